package io.github.ast.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One self-contained HTML file that opens in any browser with nothing beside it: the Markdown the benchmark, profile
 * or demo wrote (headings, paragraphs, lists, tables, code), the folder's PNG plots embedded as data URIs, and the
 * run's configuration and versions as a table. It renders only the Markdown those commands produce, not Markdown at
 * large.
 */
public final class HtmlReport {

    private static final Pattern INLINE = Pattern.compile("`([^`]+)`|\\*\\*([^*]+)\\*\\*|\\*([^*]+)\\*");

    private final String title;
    private final StringBuilder body = new StringBuilder();

    /**
     * Starts a report.
     *
     * @param title the page's title and first heading
     */
    public HtmlReport(String title) {
        this.title = title;
    }

    /**
     * Adds Markdown, converted.
     *
     * @param markdown headings, paragraphs, {@code -} lists, pipe tables and inline code or emphasis
     * @return this report
     */
    public HtmlReport markdown(String markdown) {
        List<String> lines = markdown.lines().toList();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank()) {
                i++;
            } else if (line.startsWith("#")) {
                int level = Math.min(6, (int) line.chars().takeWhile(c -> c == '#').count() + 1);
                body.append("<h").append(level).append('>').append(inline(line.replaceFirst("^#+\\s*", "")))
                        .append("</h").append(level).append(">\n");
                i++;
            } else if (line.startsWith("|")) {
                i = table(lines, i);
            } else if (line.startsWith("- ")) {
                body.append("<ul>\n");
                while (i < lines.size() && lines.get(i).startsWith("- ")) {
                    body.append("<li>").append(inline(lines.get(i).substring(2))).append("</li>\n");
                    i++;
                }
                body.append("</ul>\n");
            } else {
                StringBuilder paragraph = new StringBuilder();
                while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith("#")
                        && !lines.get(i).startsWith("|") && !lines.get(i).startsWith("- ")) {
                    paragraph.append(paragraph.length() > 0 ? " " : "").append(lines.get(i));
                    i++;
                }
                body.append("<p>").append(inline(paragraph.toString())).append("</p>\n");
            }
        }
        return this;
    }

    private int table(List<String> lines, int start) {
        body.append("<table>\n");
        int i = start;
        boolean header = true;
        while (i < lines.size() && lines.get(i).startsWith("|")) {
            String row = lines.get(i).trim();
            i++;
            if (row.matches("\\|[-:| ]+\\|")) {
                continue; // the separator under the header
            }
            String[] cells = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length()).split("\\|", -1);
            String tag = header ? "th" : "td";
            body.append("<tr>");
            for (String cell : cells) {
                body.append('<').append(tag).append('>').append(inline(cell.trim())).append("</").append(tag)
                        .append('>');
            }
            body.append("</tr>\n");
            header = false;
        }
        body.append("</table>\n");
        return i;
    }

    /**
     * Adds a table of settings.
     *
     * @param heading the table's heading
     * @param values name to value, in order
     * @return this report
     */
    public HtmlReport settings(String heading, Map<String, ?> values) {
        body.append("<h2>").append(escape(heading)).append("</h2>\n<table>\n");
        values.forEach((name, value) -> body.append("<tr><th>").append(escape(name)).append("</th><td><code>")
                .append(escape(String.valueOf(value))).append("</code></td></tr>\n"));
        body.append("</table>\n");
        return this;
    }

    /**
     * Embeds every PNG of a folder, in name order.
     *
     * @param folder the folder
     * @return this report
     * @throws IOException if a plot cannot be read
     */
    public HtmlReport plots(Path folder) throws IOException {
        List<Path> images;
        try (var files = Files.list(folder)) {
            images = files.filter(f -> f.getFileName().toString().endsWith(".png")).sorted().toList();
        }
        for (Path image : images) {
            body.append("<figure><img alt=\"").append(escape(image.getFileName().toString()))
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(Files.readAllBytes(image)))
                    .append("\"><figcaption>").append(escape(image.getFileName().toString()))
                    .append("</figcaption></figure>\n");
        }
        return this;
    }

    /**
     * Writes the page.
     *
     * @param file where
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        String page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:110em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.25em .6em;"
                + "text-align:left}th{background:#eee}code{background:#f4f4f4}img{max-width:100%}"
                + "figure{display:inline-block;margin:1em}</style></head>\n<body>\n<h1>" + escape(title) + "</h1>\n"
                + body + "</body></html>\n";
        Files.writeString(file, page, StandardCharsets.UTF_8);
    }

    private static String inline(String text) {
        Matcher m = INLINE.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(escape(text.substring(last, m.start())));
            if (m.group(1) != null) {
                out.append("<code>").append(escape(m.group(1))).append("</code>");
            } else if (m.group(2) != null) {
                out.append("<strong>").append(escape(m.group(2))).append("</strong>");
            } else {
                out.append("<em>").append(escape(m.group(3))).append("</em>");
            }
            last = m.end();
        }
        return out.append(escape(text.substring(last))).toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
