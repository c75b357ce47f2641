package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sessionlog.projections.query.SessionBrowse;
import io.sessionlog.projections.query.SessionFilter;
import io.sessionlog.projections.query.SessionWalks;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.SessionView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sessions-by-time index and the walks over it: orders, filters, paging while sessions move. */
class SessionWalksTest {

    private static final Instant T0 = Instant.parse("2025-01-29T09:00:00Z");

    @TempDir
    Path stateDir;

    private ProjectionsDriver projections;
    private SessionWalks walks;
    private final Map<String, SessionView> views = new java.util.HashMap<>();

    @BeforeEach
    void start() {
        projections = new ProjectionsDriver("walks-test", stateDir);
        walks = new SessionWalks(projections.stores);
    }

    @AfterEach
    void stop() {
        projections.close();
    }

    @Test
    void mostRecentlyActiveFirstByDefaultAndEveryOtherOrder() {
        session("s1", 0, 50);   // created first, active last
        session("s2", 10, 20);
        session("s3", 20, null); // no event yet: as active as its creation
        session("s4", 30, 40);
        assertEquals(List.of("s1", "s4", "s3", "s2"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, SessionFilter.NONE, 10)));
        assertEquals(List.of("s2", "s3", "s4", "s1"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, false, SessionFilter.NONE, 10)));
        assertEquals(List.of("s4", "s3", "s2", "s1"), keys(walk(SessionBrowse.Sort.CREATED_AT, true, SessionFilter.NONE, 10)));
        assertEquals(List.of("s1", "s2", "s3", "s4"), keys(walk(SessionBrowse.Sort.CREATED_AT, false, SessionFilter.NONE, 10)));
        assertEquals(List.of("s4", "s3", "s2", "s1"), keys(walk(SessionBrowse.Sort.ID, true, SessionFilter.NONE, 10)));
    }

    @Test
    void aSessionThatBecomesActiveMovesToTheFrontAndLeavesItsOldPlace() {
        session("a", 0, 10);
        session("b", 0, 20);
        assertEquals(List.of("b", "a"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, SessionFilter.NONE, 10)));
        session("a", 0, 30);
        assertEquals(List.of("a", "b"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, SessionFilter.NONE, 10)));
        session("a", 0, 5); // a late event: last activity never goes back
        assertEquals(List.of("a", "b"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, SessionFilter.NONE, 10)));
        projections.sessions.pipeInput("a", null); // a tombstone removes the session from every index
        assertEquals(List.of("b"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, SessionFilter.NONE, 10)));
        assertEquals(List.of("b"), keys(walk(SessionBrowse.Sort.CREATED_AT, false, SessionFilter.NONE, 10)));
    }

    @Test
    void filtersCombineAndTimeRangesAreHalfOpen() {
        session("f1", 0, 10);
        session("f2", 10, 20);
        session("f3", 20, 30);
        views.get("f2").setLastStatus("error");
        views.get("f2").setDeletedCount(1);
        projections.sessions.pipeInput("f2", views.get("f2"));
        final SessionFilter activeBetween = filter(null, null, minutes(20), minutes(30), null, null);
        assertEquals(List.of("f2"), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, activeBetween, 10)), "[20, 30)");
        assertEquals(List.of("f2", "f3"), keys(walk(SessionBrowse.Sort.CREATED_AT, false,
                filter(minutes(10), null, null, null, null, null), 10)), "created at or after 10");
        assertEquals(List.of("f2"), keys(walk(SessionBrowse.Sort.ID, false, filter(null, null, null, null, "error", null), 10)));
        assertEquals(List.of("f1", "f3"), keys(walk(SessionBrowse.Sort.ID, false, filter(null, null, null, null, null, false), 10)));
        assertEquals(List.of(), keys(walk(SessionBrowse.Sort.LAST_EVENT_AT, true, filter(null, null, minutes(20), minutes(30), "ready", null), 10)));
        assertEquals(2, walks.count(new SessionBrowse(SessionBrowse.Sort.LAST_EVENT_AT, true,
                filter(null, null, minutes(15), null, null, null), null, null, 1)), "a count reads past the page");
    }

    /** Most recent first, a walk never meets a session twice, and meets every session that did not change. */
    @Test
    void aWalkMostRecentFirstMeetsEveryUnchangedSessionOnceWhileOthersMove() {
        for (int i = 0; i < 30; i++) {
            session(String.format("m%02d", i), 0, 100 + i);
        }
        final List<String> met = new ArrayList<>();
        SessionBrowse.Position after = null;
        int page = 0;
        while (true) {
            final List<SessionView> views = walks.page(new SessionBrowse(SessionBrowse.Sort.LAST_EVENT_AT, true, SessionFilter.NONE, after, null, 4));
            if (views.isEmpty()) {
                break;
            }
            views.forEach(v -> met.add(v.getSessionKey()));
            after = browse(SessionBrowse.Sort.LAST_EVENT_AT, true).positionOf(views.get(views.size() - 1));
            // Between pages, sessions not yet met and already met become active: they move ahead of the walk.
            session(String.format("m%02d", page), 0, 1_000 + page);
            session(String.format("m%02d", 29 - page), 0, 2_000 + page);
            page++;
        }
        assertEquals(met.size(), new java.util.HashSet<>(met).size(), "no session twice: " + met);
        for (int i = 0; i < 30; i++) {
            final String key = String.format("m%02d", i);
            final boolean moved = i < page || i > 29 - page;
            if (!moved) {
                assertEquals(true, met.contains(key), key + " did not change and was not met: " + met);
            }
        }
    }

    /** Oldest first, sessions that move would be met again at the end: those changed after the walk began are left out. */
    @Test
    void aWalkOldestFirstLeavesOutSessionsChangedAfterItBegan() {
        for (int i = 0; i < 12; i++) {
            session(String.format("o%02d", i), 0, 100 + i);
        }
        final Instant began = T0.plus(Duration.ofHours(1));
        final List<String> met = new ArrayList<>();
        SessionBrowse.Position after = null;
        for (int page = 0; page < 10; page++) {
            final List<SessionView> views = walks.page(new SessionBrowse(SessionBrowse.Sort.LAST_EVENT_AT, false, SessionFilter.NONE, after, began, 4));
            if (views.isEmpty()) {
                break;
            }
            views.forEach(v -> met.add(v.getSessionKey()));
            after = browse(SessionBrowse.Sort.LAST_EVENT_AT, false).positionOf(views.get(views.size() - 1));
            final SessionView moved = views.get(0);
            moved.setLastEventAt(T0.plus(Duration.ofMinutes(5_000 + page)));
            moved.setUpdatedAt(began.plusSeconds(1 + page)); // changed after the walk began
            projections.sessions.pipeInput(moved.getSessionKey(), moved);
        }
        assertEquals(met.size(), new java.util.HashSet<>(met).size(), "no session twice: " + met);
        assertEquals(12, met.size(), "every session once: " + met);
    }

    // ---- helpers ----

    private void session(final String key, final int createdMinute, final Integer lastEventMinute) {
        final SessionView existing = views.get(key);
        final SessionView view = existing != null ? existing : SessionView.newBuilder().setSessionKey(key).setOrigin(Origin.FLUX0)
                .setId(key).setCreatedAt(minutes(createdMinute)).setUpdatedAt(T0).build();
        final Instant last = lastEventMinute == null ? null : minutes(lastEventMinute);
        if (last != null && (view.getLastEventAt() == null || last.isAfter(view.getLastEventAt()))) {
            view.setLastEventAt(last);
        }
        views.put(key, view);
        projections.sessions.pipeInput(key, view);
    }

    private List<SessionView> walk(final SessionBrowse.Sort sort, final boolean descending, final SessionFilter filter, final int limit) {
        return walks.page(new SessionBrowse(sort, descending, filter, null, null, limit));
    }

    private static SessionBrowse browse(final SessionBrowse.Sort sort, final boolean descending) {
        return new SessionBrowse(sort, descending, SessionFilter.NONE, null, null, 1);
    }

    private static SessionFilter filter(final Instant createdAfter, final Instant createdBefore, final Instant activeAfter,
                                        final Instant activeBefore, final String lastStatus, final Boolean hasDeleted) {
        return new SessionFilter(null, null, null, null, createdAfter, createdBefore, activeAfter, activeBefore, lastStatus, hasDeleted);
    }

    private static Instant minutes(final int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static List<String> keys(final List<SessionView> views) {
        return views.stream().map(SessionView::getSessionKey).toList();
    }
}
