package io.github.ast.core;

import ai.djl.engine.Engine;

/**
 * The versions a run depended on, recorded with its results (as Tribuo does) so a figure can be traced to the
 * software that produced it.
 *
 * @param astVersion version of this library
 * @param djlVersion DJL version
 * @param engine engine name
 * @param engineVersion engine version
 * @param javaVersion Java runtime version
 * @param os operating system and architecture
 * @param processors available processors
 */
public record Provenance(String astVersion, String djlVersion, String engine, String engineVersion,
        String javaVersion, String os, int processors) {

    /**
     * Describes the current process and an engine.
     *
     * @param engine the engine the run used
     * @return the provenance
     */
    public static Provenance of(Engine engine) {
        String ast = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(ast == null ? "development" : ast, Engine.getDjlVersion(), engine.getEngineName(),
                engine.getVersion(), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
    }
}
