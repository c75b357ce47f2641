package io.sessionlog.app;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The HTTP API's only connector when {@code http.tls.keystore.location} is set: HTTPS, TLS 1.2 or 1.3. */
final class HttpsConnector {

    private HttpsConnector() {
    }

    static ServerConnector create(final Server server, final HttpConfiguration http, final AppConfig config) {
        final SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(config.getString(AppConfig.HTTP_TLS_KEYSTORE_LOCATION));
        tls.setKeyStoreType(config.getString(AppConfig.HTTP_TLS_KEYSTORE_TYPE));
        tls.setKeyStorePassword(config.getPassword(AppConfig.HTTP_TLS_KEYSTORE_PASSWORD).value());
        final String keyPassword = config.getPassword(AppConfig.HTTP_TLS_KEY_PASSWORD).value();
        if (!keyPassword.isEmpty()) {
            tls.setKeyManagerPassword(keyPassword);
        }
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        final HttpConfiguration https = new HttpConfiguration(http);
        // Host names are checked by RequestGuards (without API keys) and certificates by clients, not by SNI here.
        final SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        final ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(config.httpHost());
        connector.setPort(config.getInt(AppConfig.HTTP_PORT));
        return connector;
    }
}
