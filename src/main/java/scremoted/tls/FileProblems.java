package scremoted.tls;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Short words for why a file could not be read, instead of an exception's class name. */
final class FileProblems {
    private FileProblems() {}

    /** @param file the file as the user should see it named */
    static TlsConfigException unreadable(String file, IOException e) {
        return new TlsConfigException(file + ": " + describe(e), e);
    }

    private static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            case CharacterCodingException coding -> "not text";
            default -> "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        };
    }
}
