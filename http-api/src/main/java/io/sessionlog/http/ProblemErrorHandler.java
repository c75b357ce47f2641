package io.sessionlog.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a URI or headers too long, {@code %00} in a path, a malformed request) as problem+json,
 * like every other error of the API, instead of Jetty's HTML pages.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateAcceptableResponse(final Request baseRequest, final HttpServletRequest request,
                                              final HttpServletResponse response, final int code, final String message)
            throws IOException {
        baseRequest.setHandled(true);
        final byte[] body = Problems.body(problem(code, message)).toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType(Problems.CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields) {
        if (HttpStatus.hasNoBody(status)) {
            return null;
        }
        fields.put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        return ByteBuffer.wrap(Problems.body(problem(status, reason)).toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Problem problem(final int status, final String reason) {
        final String title = HttpStatus.getMessage(status);
        return new Problem(status, title, reason == null || reason.isBlank() ? title : reason, List.of(), Map.of());
    }
}
