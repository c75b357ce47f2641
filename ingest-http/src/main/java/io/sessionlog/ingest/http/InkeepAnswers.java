package io.sessionlog.ingest.http;


import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.http.Json;
import io.sessionlog.schemas.avro.CanonicalEvent;

/**
 * Inkeep's answer to {@code POST /events}: the stored event as {@code SelectConversationEvent}, so Inkeep's analytics
 * SDK pointed at {@code {base}/v1/inkeep} reads it. {@code createdAt} is the time taken (given, or the ingest time).
 */
final class InkeepAnswers {

    private InkeepAnswers() {
    }

    static ObjectNode selectConversationEvent(final CanonicalEvent event) {
        final ObjectNode answer = Json.MAPPER.createObjectNode()
                .put("id", event.getEventId())
                .put("type", event.getType())
                .put("conversationId", event.getConversationId())
                .put("createdAt", Json.time(event.getOccurredAt()))
                .put("projectId", event.getProjectId())
                .put("integrationId", event.getIntegrationId());
        Json.putRaw(answer, "properties", event.getPropertiesJson());
        Json.putRaw(answer, "userProperties", event.getUserPropertiesJson());
        answer.put("entityType", event.getEntityType());
        return answer;
    }
}
