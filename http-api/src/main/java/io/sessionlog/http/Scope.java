package io.sessionlog.http;

import io.javalin.security.RouteRole;

/** What an API key may do: read (GET routes), write (POST, PATCH, DELETE), admin (everything). */
public enum Scope implements RouteRole {
    READ, WRITE, ADMIN
}
