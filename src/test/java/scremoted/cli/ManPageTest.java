package scremoted.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The manual page documents exactly the options the parser accepts, and mandoc finds nothing wrong with it. */
class ManPageTest {
    private static final Path PAGE = Path.of("man/sc_remoted.1");
    /** An item of the option list: {@code .It Fl X} (with {@code \&} escapes, e.g. {@code Fl \&?}). */
    private static final Pattern ITEM = Pattern.compile("^\\.It Fl (\\S+)");

    private static List<String> lines() throws IOException {
        assertTrue(Files.isRegularFile(PAGE), PAGE.toAbsolutePath() + " is missing");
        return Files.readAllLines(PAGE, StandardCharsets.UTF_8);
    }

    /** The options of the list that follows "The options are as follows:" (its top level only). */
    static SortedSet<String> documentedOptions(List<String> lines) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("The options are as follows")) {
            i++;
        }
        while (i < lines.size() && !lines.get(i).startsWith(".Bl ")) {
            i++;
        }
        assertTrue(i < lines.size(), "no option list after \"The options are as follows:\"");
        SortedSet<String> names = new TreeSet<>();
        int depth = 0;
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(".Bl ")) {
                depth++;
            } else if (line.startsWith(".El")) {
                if (--depth == 0) {
                    return names;
                }
            } else if (depth == 1) {
                Matcher m = ITEM.matcher(line);
                if (m.find()) {
                    String name = "-" + m.group(1).replace("\\&", "");
                    assertTrue(names.add(name), name + " is documented twice");
                } else if (line.startsWith(".It")) {
                    fail("an item of the option list that is not an option: " + line);
                }
            }
        }
        fail("the option list has no closing .El");
        return names;
    }

    @Test
    void optionListMatchesTheParser() throws IOException {
        assertEquals(Cli.optionNames(), documentedOptions(lines()));
    }

    @Test
    void synopsisListsTheFlagOptions() throws IOException {
        String page = String.join("\n", lines());
        assertTrue(page.contains(".Op Fl \\&?46Dv"), "SYNOPSIS: [-?46Dv]");
        for (String o : List.of("O", "P", "U", "C", "c", "p", "e", "Z")) {
            assertTrue(page.contains(".Op Fl " + o + " "), "SYNOPSIS lacks -" + o);
        }
    }

    @Test
    void mandocLintIsClean() throws Exception {
        String mandoc = onPath("mandoc");
        if (mandoc == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("mandoc is not installed (packaging/test installs it)");
            }
            Assumptions.abort("mandoc is not installed");
        }
        // Everything at level WARNING and above: no output and exit status 0.
        Result strict = run(mandoc, "-T", "lint", "-W", "warning", PAGE.toString());
        assertEquals("", strict.output, "mandoc -T lint -W warning");
        assertEquals(0, strict.status, "mandoc -T lint -W warning exit status");
        // Full lint, style messages included. Two kinds of message depend on the machine, not the page:
        // whether the manuals named by .Xr are installed, and whether a mandoc.db is up to date.
        Result all = run(mandoc, "-T", "lint", PAGE.toString());
        List<String> left = new ArrayList<>();
        for (String line : all.output.split("\n")) {
            if (!line.isEmpty() && !line.contains("mandoc.db") && !line.contains("referenced manual not found")) {
                left.add(line);
            }
        }
        assertEquals(List.of(), left, "mandoc -T lint");
    }

    @Test
    void parsesNestedListsAndEscapes() {
        List<String> page = List.of(
                "The options are as follows:",
                ".Bl -tag -width Ds",
                ".It Fl \\&?",
                ".It Fl O Ar options",
                ".Bl -tag",
                ".It Cm debug",
                ".El",
                ".It Fl P Oo Ar ip : Oc Ns Ar port",
                ".El",
                ".Bl -tag",
                ".It Fl X",
                ".El");
        assertEquals(new TreeSet<>(List.of("-?", "-O", "-P")), documentedOptions(page));
        assertFalse(documentedOptions(page).contains("-X"));
    }

    private record Result(int status, String output) {}

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(p.exitValue(), out);
    }

    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
