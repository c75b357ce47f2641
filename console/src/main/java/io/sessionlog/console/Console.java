package io.sessionlog.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import org.webjars.WebJarVersionLocator;

/**
 * The analyst console: static pages under {@value #PATH} that read the HTTP API from the browser, with the same API
 * keys as any client. Nothing here reads a store or a topic; the pages know the API only by its public routes.
 */
public final class Console {

    /** Where the console's files are served. */
    public static final String PATH = "/console";
    /** The classpath folder of the console's own files. */
    static final String FILES = "/sessionlog-console";
    /**
     * Scripts and styles only from this server; uPlot sizes its canvas through element styles, so inline styles are
     * allowed, inline scripts are not. No frame may embed the console (clickjacking).
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final byte[] index;

    private Console(final byte[] index) {
        this.index = index;
    }

    /** Serves the console's files and uPlot's; call {@link #answerIndex} for the page itself. */
    public static Console install(final JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = PATH;
            files.directory = FILES;
            files.location = Location.CLASSPATH;
            files.headers = java.util.Map.of("Content-Security-Policy", CONTENT_SECURITY_POLICY, "Cache-Control", "no-cache");
        });
        // The WebJar's own folder (its jar lists no entry for dist/ itself, and Javalin serves only listed folders).
        final String uplot = new WebJarVersionLocator().fullPath("uplot", "package.json");
        if (uplot == null) {
            throw new IllegalStateException("the uPlot WebJar is missing from the classpath");
        }
        config.staticFiles.add(files -> {
            files.hostedPath = PATH + "/vendor/uplot";
            files.directory = (uplot.startsWith("/") ? "" : "/") + uplot.substring(0, uplot.lastIndexOf('/'));
            files.location = Location.CLASSPATH;
            files.headers = java.util.Map.of("Cache-Control", "max-age=86400");
        });
        return new Console(read(FILES + "/index.html"));
    }

    /** Whether a request for {@code /} comes from a browser that wants a page rather than the JSON index. */
    public static boolean wantsPage(final Context ctx) {
        final String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    /** The console's page, with its security headers. */
    public void answerIndex(final Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(index);
    }

    private static byte[] read(final String resource) {
        try (InputStream in = Console.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
