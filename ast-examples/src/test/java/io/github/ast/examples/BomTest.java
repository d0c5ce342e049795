package io.github.ast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM has no parent, so it repeats the build's versions: they must not drift apart. */
class BomTest {

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    @Test
    void theBomPinsTheVersionsTheBuildUses() throws Exception {
        String build = Files.readString(Path.of("../pom.xml"));
        String bom = Files.readString(Path.of("../ast-bom/pom.xml"));
        for (String name : new String[] {"djl.version", "pytorch.jni.version", "pytorch.native.version",
            "mxnet.native.version"}) {
            assertThat(property(bom, name)).as(name).isEqualTo(property(build, name));
        }
        assertThat(property(bom, "version")).isEqualTo(property(build.substring(build.indexOf("<artifactId>ast-parent")),
                "version"));
        assertThat(bom).doesNotContain("<parent>");
    }
}
