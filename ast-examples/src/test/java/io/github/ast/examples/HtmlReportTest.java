package io.github.ast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report: one file with tables, embedded plots and settings, and a browser draws it. */
class HtmlReportTest {

    private static final String MARKDOWN = """
            # Title dropped by callers

            A paragraph with `code`, **strong** and *emphasis* & <angle> brackets.

            | arm | time to 87% |
            |---|---:|
            | full | 18 s |
            | rs2@0.1 | 15 s |

            - one
            - two
            """;

    private static Path report(Path dir) throws Exception {
        BufferedImage plot = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) {
            plot.setRGB(x, x * 30 / 40, 0xFF0000);
        }
        ImageIO.write(plot, "png", dir.resolve("accuracy.png").toFile());
        Path page = dir.resolve("report.html");
        new HtmlReport("A report").markdown(MARKDOWN).plots(dir).settings("Configuration",
                Map.of("ast.targetRate", "0.1")).write(page);
        return page;
    }

    @Test
    void writesOneSelfContainedPageWithTablesPlotsAndSettings(@TempDir Path dir) throws Exception {
        String html = Files.readString(report(dir), StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>A report</h1>")
                .contains("<tr><th>arm</th><th>time to 87%</th></tr>").contains("<td>rs2@0.1</td>")
                .contains("<code>code</code>").contains("<strong>strong</strong>").contains("<em>emphasis</em>")
                .contains("&amp; &lt;angle&gt;").contains("<li>two</li>")
                .contains("src=\"data:image/png;base64,").contains("<th>ast.targetRate</th>")
                .doesNotContain("|---");
    }

    /** Renders the page in headless Chromium (Debian's {@code chromium}; CI installs it): not blank, tables drawn. */
    @Test
    void headlessChromiumDrawsThePage(@TempDir Path dir) throws Exception {
        Path chromium = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(chromium != null, "headless Chromium is not installed (apt-get install chromium)");
        Path page = report(dir);
        Path shot = dir.resolve("shot.png");
        run(dir, null, chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--window-size=900,700", "--screenshot=" + shot, page.toUri().toString());
        BufferedImage image = ImageIO.read(shot.toFile());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours).as("distinct colours in the screenshot").hasSizeGreaterThan(5);
        Path dom = dir.resolve("dom.html");
        run(dir, dom, chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                page.toUri().toString());
        assertThat(Files.readString(dom)).contains("<table>").contains("<td>rs2@0.1</td>").contains("<img");
    }

    /** Runs a command in a folder, its standard output into {@code output} (or discarded), within two minutes. */
    private static void run(Path dir, Path output, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD
                        : ProcessBuilder.Redirect.to(output.toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("chromium finished within 2 minutes").isTrue();
        assertThat(process.exitValue()).as("chromium's exit code").isZero();
    }
}
