package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.sessionlog.ingest.Fixtures;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The analyst console in a real headless Chromium against a running sessionlog: what a person sees after posting
 * events. Each test saves a screenshot under target/console-screenshots and fails on any error in the page's console.
 */
@ExtendWith(SharedKafkaCluster.class)
class ConsoleBrowserIT {

    private static final String PREFIX = "console.";
    private static Sessionlog app;
    private static Http http;
    private Browser browser;
    private Sessionlog secured;
    private boolean refusalsExpected;
    private boolean networkErrorsExpected;

    @BeforeAll
    static void startApp() {
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void screenshotAndCheckTheConsole(final TestInfo test) {
        if (browser == null) {
            closeSecured();
            return;
        }
        try {
            browser.screenshot(test.getTestMethod().orElseThrow().getName());
            final List<String> errors = browser.consoleErrors().stream()
                    // The key test is refused on purpose (no key, then a key without the read scope); the browser
                    // logs each refused load.
                    .filter(message -> !(refusalsExpected && message.matches(".*status of (401|403).*")))
                    // The blip test breaks the connection on purpose; the browser logs each load it cut.
                    .filter(message -> !(networkErrorsExpected && message.contains("net::ERR_")))
                    .toList();
            assertEquals(List.of(), errors, "errors in the page's console");
        } finally {
            browser.close();
            browser = null;
            closeSecured();
        }
    }

    private void closeSecured() {
        if (secured != null) {
            secured.close();
            secured = null;
        }
    }

    @Test
    void findsASessionByIdAndShowsItsTimeline() {
        final String session = "console-find-" + System.nanoTime();
        postFlux0Fixtures(session);
        browser = openSessions(1280, session);
        final WebElement search = browser.driver.findElement(By.id("search-box"));
        search.sendKeys(session, Keys.ENTER);

        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("li.event"), 4));
        assertTrue(browser.driver.getCurrentUrl().endsWith("#/sessions/" + session), browser.driver.getCurrentUrl());
        final List<WebElement> events = browser.driver.findElements(By.cssSelector("li.event"));
        assertEquals(List.of("0", "1", "2", "3"), events.stream().map(e -> e.getAttribute("data-offset")).toList(), "offset order");
        assertTrue(events.get(0).getText().contains("What's the weather in SF?"), events.get(0).getText());
        assertTrue(events.get(1).getText().contains("Status processing"), events.get(1).getText());
        assertTrue(events.get(2).getText().contains("Tool search (call01)") && events.get(2).getText().contains("San Francisco weather")
                && events.get(2).getText().contains("60 degrees"), "tool call with its arguments and result: " + events.get(2).getText());
        assertTrue(events.get(3).getText().contains("Reasoning: The user asked for SF weather"), events.get(3).getText());
        // One correlation chain: every event carries the same chain colour.
        assertEquals(1, events.stream().map(e -> e.getAttribute("class").replaceAll(".*(chain-\\d).*", "$1")).distinct().count());
        assertTrue(events.stream().allMatch(e -> e.getAttribute("class").contains("chain-")), "grouped as one chain");

        // An event's details: its EventDTO, its document as sent, and the Avro record with its Kafka coordinates.
        events.get(0).findElement(By.cssSelector("a.details-link")).click();
        final WebElement kafka = browser.waitAtMost(Duration.ofSeconds(10)).until(
                ExpectedConditions.presenceOfElementLocated(By.id("kafka-coordinates")));
        assertTrue(kafka.getText().contains(PREFIX + "events"), kafka.getText());
        assertTrue(kafka.getText().matches("(?s).*Offset\\s+\\d+.*"), "the record's offset is known: " + kafka.getText());
    }

    @Test
    void newSessionsAppearWithoutAReloadAndACorrelationIsFoundAcrossSessions() {
        final long n = System.nanoTime();
        browser = Browser.start(1280, 800);
        browser.driver.get(app.httpUrl() + "/");
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.sessions tbody tr")));
        browser.script("window.sameDocument = true;");
        for (final String session : List.of("console-chain-a-" + n, "console-chain-b-" + n)) {
            assertEquals(202, http.post("/v1/sessions/" + session + "/events", "{\"id\":\"e-" + session + "\",\"correlation_id\":\"chain-" + n
                    + "::" + session + "\",\"type\":\"message\",\"source\":\"user\",\"data\":{\"type\":\"message\",\"parts\":"
                    + "[{\"type\":\"content\",\"content\":\"hi\"}]},\"created_at\":\"" + Instant.now() + "\"}").status());
        }
        for (final String session : List.of("console-chain-a-" + n, "console-chain-b-" + n)) {
            browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("tr[data-session='" + session + "']")));
        }
        assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was not reloaded");

        browser.driver.findElement(By.id("search-box")).sendKeys("chain-" + n, Keys.ENTER);
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("main tbody tr"), 2));
        final String rows = browser.driver.findElement(By.cssSelector("main tbody")).getText();
        assertTrue(rows.contains("console-chain-a-" + n) && rows.contains("console-chain-b-" + n), rows);
    }

    @Test
    void theClusterPageShowsLagAndTheReasonsOfRejectedRecords() {
        final String session = "console-cluster-" + System.nanoTime();
        postFlux0Fixtures(session);
        // A delete naming an unknown event is accepted, then rejected by the processor with its reason.
        assertEquals(202, http.delete("/v1/sessions/" + session + "/events/nope").status());
        final String reason = "event nope is unknown in session " + session;
        TestApps.awaitRejected(PREFIX, seen -> seen.stream().anyMatch(r -> new String(r.headers().lastHeader("sessionlog.reason").value(),
                StandardCharsets.UTF_8).equals(reason)), Duration.ofSeconds(20));

        browser = Browser.start(1280, 800);
        browser.driver.get(app.httpUrl() + "/#/cluster");
        final WebElement rejected = browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("rejected")));
        final WebElement row = rejected.findElements(By.cssSelector("tbody tr")).stream().filter(r -> r.getText().contains(reason))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + reason + " in " + rejected.getText()));
        assertTrue(row.getText().matches("(?s).*processor\\.apply\\s+1\\s.*"), "one record, at the processor's stage: " + row.getText());
        final String lag = browser.driver.findElement(By.id("lag")).getText();
        assertTrue(lag.contains(PREFIX + "processor") && lag.contains(PREFIX + "events.raw"), lag);
        assertTrue(lag.contains(PREFIX + "projections") && lag.contains(PREFIX + "events"), lag);
        assertEquals("Ready", browser.driver.findElement(By.id("readiness")).getText());
        assertTrue(browser.driver.findElement(By.id("instances")).getText().contains("(this one)"));
    }

    @Test
    void anEventPostedAppearsWithinOneSecondWithoutAReload() {
        final String session = "console-live-" + System.nanoTime();
        postFlux0Fixtures(session);
        browser = openTimeline(session, 4);
        awaitLive();
        browser.script("window.sameDocument = true;");

        assertEquals(202, http.post("/v1/sessions/" + session + "/events", flux0Message("live-1", "arrived live", "2025-01-29T09:31:00Z")).status());
        browser.waitAtMost(Duration.ofSeconds(1)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("li.event[data-offset='4']")));
        assertTrue(browser.driver.findElement(By.cssSelector("li.event[data-offset='4']")).getText().contains("arrived live"));
        assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was not reloaded");
    }

    @Test
    void theTimelineSaysWhenItsStreamIsDownAndResumesAfterTheBlip() throws Exception {
        networkErrorsExpected = true;
        final String session = "console-blip-" + System.nanoTime();
        postFlux0Fixtures(session);
        try (TcpBlip path = new TcpBlip(java.net.URI.create(app.httpUrl()).getPort())) {
            browser = Browser.start(1280, 800);
            browser.driver.get("http://127.0.0.1:" + path.port() + "/#/sessions/" + session);
            browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("li.event"), 4));
            awaitLive();
            browser.script("window.sameDocument = true;");

            // The connection breaks and stays broken while an event is stamped.
            path.drop();
            browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.textMatches(By.id("live-state"),
                    java.util.regex.Pattern.compile("Stream down.*")));
            assertEquals(202, http.post("/v1/sessions/" + session + "/events", flux0Message("blip-1", "sent during the blip", "2025-01-29T09:31:00Z")).status());
            http.awaitGet("/v1/sessions/" + session + "/events?min_offset=4", a -> a.body().get("data").size() == 1, Duration.ofSeconds(20));
            browser.screenshot("theTimelineSaysWhenItsStreamIsDownAndResumesAfterTheBlip-down");

            // Back: the stream resumes after the last event it had (Last-Event-ID), with the one it missed.
            path.restore();
            browser.waitAtMost(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("li.event[data-offset='4']")));
            awaitLive();
            assertEquals(List.of("0", "1", "2", "3", "4"), browser.driver.findElements(By.cssSelector("li.event")).stream()
                    .map(e -> e.getAttribute("data-offset")).toList(), "nothing missed, nothing twice");
            assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was not reloaded");
            // The view's refresh failed during the blip; once it answers again the page says nothing is wrong.
            browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
        }
    }

    @Test
    void aDeletedEventIsStruckThroughAndCanBeHidden() {
        final String session = "console-delete-" + System.nanoTime();
        postFlux0Fixtures(session);
        browser = openTimeline(session, 4);
        assertEquals(202, http.delete("/v1/sessions/" + session + "/events/Tq7wLm0aZc").status());

        final By deleted = By.cssSelector("li.event[data-event-id='Tq7wLm0aZc'].deleted");
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(deleted));
        final String decoration = (String) browser.script("return getComputedStyle(arguments[0]).textDecorationLine;",
                browser.driver.findElement(deleted).findElement(By.cssSelector(".event-body")));
        assertEquals("line-through", decoration);
        browser.screenshot("aDeletedEventIsStruckThroughAndCanBeHidden-struck");
        browser.driver.findElement(By.id("hide-deleted")).click();
        browser.waitAtMost(Duration.ofSeconds(2)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("li.event"), 3));
        assertTrue(browser.driver.findElements(deleted).isEmpty());
    }

    @Test
    void theConsumptionMarkerFollowsTheConsumersOffset() {
        final String session = "console-offsets-" + System.nanoTime();
        postFlux0Fixtures(session);
        browser = openTimeline(session, 4);
        // Every session starts with client at 0: its line follows event 0, three events unread.
        assertMarkerAfter("client", 0, 3);

        assertEquals(202, http.patch("/v1/sessions/" + session, "{\"consumption_offsets\":{\"client\":2}}").status());
        assertMarkerAfter("client", 2, 1);
        final String duplicates = browser.driver.findElement(By.id("duplicate-count")).getText();
        assertEquals(202, http.post("/v1/sessions/" + session + "/events", fixture("E/01.json")).status());
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("duplicate-count"),
                String.valueOf(Integer.parseInt(duplicates) + 1)));
    }

    @Test
    void theStatsPageDrawsTheCountsOfItsRange() {
        // An hour of its own, within the counters' retention, that no other test writes to.
        final Instant hour = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
        final String session = "console-stats-" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertEquals(202, http.post("/v1/sessions/" + session + "/events",
                    flux0Message("stats-m" + i, "hello " + i, hour.plusSeconds(60 + i).toString())).status());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(202, http.post("/v1/sessions/" + session + "/events", "{\"id\":\"stats-s" + i + "\",\"correlation_id\":\"c\","
                    + "\"type\":\"status\",\"source\":\"ai_agent\",\"data\":{\"type\":\"status\",\"status\":\"ready\"},"
                    + "\"created_at\":\"" + hour.plusSeconds(120 + i) + "\"}").status());
        }
        final String range = "from=" + hour + "&to=" + hour.plus(1, ChronoUnit.HOURS);
        // New sessions are counted from the sessions topic, applied apart from the events: wait for both counters.
        http.awaitGet("/v1/stats?interval=hour&by=type&" + range, a -> a.body().get("buckets").get(0).get("events").asInt() == 5
                && a.body().get("buckets").get(0).get("new_sessions").asInt() >= 1, Duration.ofSeconds(20));

        browser = Browser.start(1280, 800);
        browser.driver.get(app.httpUrl() + "/#/stats?interval=hour&by=type&" + range);
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#events-by-group tr[data-series='message']")));
        assertEquals("3", browser.driver.findElement(By.cssSelector("#events-by-group tr[data-series='message'] td")).getText());
        assertEquals("2", browser.driver.findElement(By.cssSelector("#events-by-group tr[data-series='status'] td")).getText());
        assertEquals("5", browser.driver.findElement(By.cssSelector("#totals tr[data-series='events'] td")).getText());
        assertEquals("1", browser.driver.findElement(By.cssSelector("#totals tr[data-series='new_sessions'] td")).getText());
        // The charts are drawn: uPlot's canvas has painted pixels, one series per type.
        for (final String chart : List.of("chart-events", "chart-totals")) {
            final Object painted = browser.script("const c = document.querySelector('#' + arguments[0] + ' canvas');"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++; return n;", chart);
            assertTrue(((Number) painted).longValue() > 100, chart + " has painted pixels: " + painted);
        }
        assertEquals("2", browser.driver.findElement(By.id("chart-events")).getAttribute("data-drawn"));
    }

    @Test
    void isUsableAt375PixelsAndByKeyboard() {
        final String session = "console-narrow-" + System.nanoTime();
        postFlux0Fixtures(session);
        browser = openSessions(375, session);
        final long overflow = ((Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth;")).longValue();
        assertTrue(overflow <= 0, "no sideways scrolling at 375 px: " + overflow + " px too wide");

        // The keyboard reaches the session's link and opens its timeline.
        final WebElement link = browser.driver.findElement(By.cssSelector("tr[data-session='" + session + "'] a"));
        for (int i = 0; i < 40 && !link.equals(browser.driver.switchTo().activeElement()); i++) {
            browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertEquals(link, browser.driver.switchTo().activeElement(), "Tab reaches the session's link");
        link.sendKeys(Keys.ENTER);
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("li.event"), 4));
    }

    @Test
    void withApiKeysItAsksForAKeyThenShowsTheData() {
        refusalsExpected = true;
        final String prefix = "console.keys.";
        // Closed after the browser (screenshotAndCheckTheConsole): a live stream whose server went away first would
        // log its reconnection attempts as errors.
        secured = TestApps.start(prefix, Map.of(AppConfig.API_KEYS, "reader-secret:read,writer-secret:write"));
        final String session = "console-keys-" + System.nanoTime();
        assertEquals(202, new Http(secured.httpUrl()).withKey("writer-secret")
                .post("/v1/sessions/" + session + "/events", fixture("E/01.json")).status());
        new Http(secured.httpUrl()).withKey("reader-secret").awaitGet("/v1/sessions/" + session, a -> a.status() == 200,
                Duration.ofSeconds(20));

        browser = Browser.start(1280, 800);
        browser.driver.get(secured.httpUrl() + "/");
        final WebElement dialog = browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-dialog")));
        assertTrue(dialog.getText().contains("asks for an API key (401)"), dialog.getText());
        browser.driver.findElement(By.id("key-input")).sendKeys("writer-secret", Keys.ENTER);
        // A key without the read scope: the console says so plainly.
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.textMatches(By.id("banner"), java.util.regex.Pattern.compile("Forbidden \\(403\\).*")));

        browser.driver.findElement(By.id("forget-key")).click();
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-dialog")));
        browser.driver.findElement(By.id("key-input")).sendKeys("reader-secret", Keys.ENTER);
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-session='" + session + "']")));
        assertEquals("reader-secret", browser.script("return sessionStorage.getItem('sessionlog.api-key');"));
        assertFalse(browser.driver.getCurrentUrl().contains("secret"), "the key is never in a URL");
        assertNull(browser.script("return localStorage.getItem('sessionlog.api-key');"), "kept in the tab only");

        // The timeline's live stream carries the key as a header too.
        browser.driver.findElement(By.cssSelector("tr[data-session='" + session + "'] a")).click();
        awaitLive();
        browser.screenshot("withApiKeysItAsksForAKeyThenShowsTheData-timeline");
    }

    /** The console's first page, once it lists {@code session}. */
    private Browser openSessions(final int width, final String session) {
        final Browser opened = Browser.start(width, 800);
        opened.driver.get(app.httpUrl() + "/");
        opened.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-session='" + session + "']")));
        return opened;
    }

    private void awaitLive() {
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("live-state"),
                "Live: new events appear as they are stamped"));
    }

    private Browser openTimeline(final String session, final int events) {
        final Browser opened = Browser.start(1280, 800);
        opened.driver.get(app.httpUrl() + "/#/sessions/" + session);
        opened.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("li.event"), events));
        return opened;
    }

    private void assertMarkerAfter(final String consumer, final int offset, final int unread) {
        final By marker = By.cssSelector("li.marker[data-consumer='" + consumer + "'][data-offset='" + offset + "']");
        final WebElement line = browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(marker));
        browser.waitAtMost(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(marker, unread + " unread"));
        assertEquals(String.valueOf(offset), browser.script("return arguments[0].previousElementSibling.dataset.offset;", line),
                "the line follows the last event read");
        assertEquals(1, browser.driver.findElements(By.cssSelector("li.marker[data-consumer='" + consumer + "']")).size());
    }

    /** flux0's four example events (message, status, tool call, message with reasoning) into one session. */
    private static void postFlux0Fixtures(final String session) {
        for (final String name : List.of("E/01.json", "E/02.json", "E/03.json", "E/04.json")) {
            assertEquals(202, http.post("/v1/sessions/" + session + "/events", fixture(name)).status(), name);
        }
        http.awaitGet("/v1/sessions/" + session + "/events", a -> a.status() == 200 && a.body().get("data").size() == 4,
                Duration.ofSeconds(20));
    }

    private static String flux0Message(final String id, final String text, final String createdAt) {
        return "{\"id\":\"" + id + "\",\"correlation_id\":\"" + id + "\",\"type\":\"message\",\"source\":\"user\","
                + "\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"" + text + "\"}]},"
                + "\"created_at\":\"" + createdAt + "\"}";
    }

    private static String fixture(final String name) {
        return new String(Fixtures.bytes(name), StandardCharsets.UTF_8);
    }
}
