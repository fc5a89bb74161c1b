namespace TimepointFlash.Api

open System

/// What a route does: the one declaration that both the access check and the rate policy read.
[<RequireQualifiedAccess>]
type Access =
    /// Always public and never limited: liveness and readiness probes, the sign-in page, static assets.
    | Public
    /// Reads: public unless READS_REQUIRE_KEY=true (with keys configured); the READ_RATE_LIMIT policy.
    | Read
    /// Writes that start no model work (delete, sign-out): need a key or a session; READ_RATE_LIMIT.
    | Write
    /// Writes that start model work (generate, navigation, later chat/dialog/survey): need a key or a session;
    /// the RATE_LIMIT policy.
    | ModelWrite
    /// Exchanges a key for a session: needs no credential (it brings one); counted like model work (RATE_LIMIT),
    /// so guessing keys is as slow as spending them.
    | SignIn
    /// The Prometheus scrape: public unless METRICS_REQUIRE_KEY=true; never limited.
    | Metrics

/// Who the route serves: the JSON API (problems, no forms) or the browser pages (HTML forms with tokens).
[<RequireQualifiedAccess>]
type Surface =
    | Api
    | Ui

/// A route's class, attached to its endpoint as metadata.
type RouteClass = { Access: Access; Surface: Surface }

/// The two rate policies a request can count against.
[<RequireQualifiedAccess>]
type RatePolicy =
    /// RATE_LIMIT: requests that start model work (and sign-in attempts).
    | Generation
    /// READ_RATE_LIMIT: everything else.
    | Requests

/// The credential a request carries, resolved once per request.
[<RequireQualifiedAccess>]
type Caller =
    /// A configured key in X-API-Key or Authorization: Bearer, by fingerprint.
    | Key of fingerprint: string
    /// A valid signed session cookie, by the fingerprint of the key that opened it.
    | Session of fingerprint: string
    /// No credential.
    | Anonymous
    /// A key that is not configured.
    | BadKey
    /// A session cookie that is forged, malformed, expired or opened by a key no longer configured.
    | BadSession of expired: bool

/// Why a request is refused.
[<RequireQualifiedAccess>]
type Refusal =
    /// 401: a credential is needed (or the one sent is not accepted).
    | Unauthorized of detail: string
    /// 403: the request comes from another site, or its form token is missing or wrong.
    | Forbidden of detail: string

/// The access settings of a deployment.
type AccessSettings = {
    /// No keys = an open server.
    Keys: Set<string>
    ReadsRequireKey: bool
    MetricsRequireKey: bool
    /// Browser origins allowed by CORS (their cross-origin requests are not forgeries).
    CorsOrigins: string list
}

/// The access model as pure decisions over a route's class, the caller and the request's origin headers.
[<RequireQualifiedAccess>]
module Access =
    /// Every class (for tests and docs).
    let all = [
        Access.Public
        Access.Read
        Access.Write
        Access.ModelWrite
        Access.SignIn
        Access.Metrics
    ]

    /// Short name used in logs, metrics and docs.
    let name =
        function
        | Access.Public -> "public"
        | Access.Read -> "read"
        | Access.Write -> "write"
        | Access.ModelWrite -> "model-write"
        | Access.SignIn -> "sign-in"
        | Access.Metrics -> "metrics"

    /// The rate policy counting a class (None: never limited).
    let policy =
        function
        | Access.ModelWrite
        | Access.SignIn -> Some RatePolicy.Generation
        | Access.Read
        | Access.Write -> Some RatePolicy.Requests
        | Access.Public
        | Access.Metrics -> None

    /// Whether requests of the class change state (and so face the forgery checks).
    let changesState =
        function
        | Access.Write
        | Access.ModelWrite
        | Access.SignIn -> true
        | Access.Public
        | Access.Read
        | Access.Metrics -> false

    /// Whether the class needs a key or a session under the settings.
    let needsCredential (settings: AccessSettings) (access: Access) =
        not settings.Keys.IsEmpty
        && match access with
           | Access.Public
           | Access.SignIn -> false
           | Access.Read -> settings.ReadsRequireKey
           | Access.Metrics -> settings.MetricsRequireKey
           | Access.Write
           | Access.ModelWrite -> true

    /// Whether the caller proves a configured key.
    let isAuthenticated =
        function
        | Caller.Key _
        | Caller.Session _ -> true
        | Caller.Anonymous
        | Caller.BadKey
        | Caller.BadSession _ -> false

    /// The refusal for a caller lacking a needed credential, or None when the request may proceed.
    let authorize (settings: AccessSettings) (access: Access) (caller: Caller) : Refusal option =
        if not (needsCredential settings access) || isAuthenticated caller then
            None
        else
            Some(
                Refusal.Unauthorized(
                    match caller with
                    | Caller.BadKey -> "The API key is not accepted."
                    | Caller.BadSession true -> "The session has expired; sign in again at /signin."
                    | Caller.BadSession false -> "The session cookie is not valid; sign in again at /signin."
                    | _ ->
                        "This operation needs an API key (X-API-Key header or Bearer token), or a session from /signin."
                )
            )

    let private sameOrigin (origin: string) (requestOrigin: string) =
        String.Equals(origin.TrimEnd '/', requestOrigin, StringComparison.OrdinalIgnoreCase)

    /// Whether a state-changing request comes from another site: `Sec-Fetch-Site` other than same-origin or none,
    /// or an `Origin` that is neither this server's (`requestOrigin`, scheme://host) nor an allowed CORS origin.
    /// Requests without either header (non-browser clients) are not cross-site.
    let isCrossSite
        (settings: AccessSettings)
        (requestOrigin: string)
        (secFetchSite: string option)
        (origin: string option)
        =
        let allowedOrigin (o: string) =
            sameOrigin o requestOrigin
            || settings.CorsOrigins |> List.exists (fun c -> sameOrigin o (c.TrimEnd '/'))

        let fetchSite =
            match secFetchSite |> Option.map (fun s -> s.Trim().ToLowerInvariant()) with
            | None
            | Some ""
            | Some "same-origin"
            | Some "none" -> false
            // same-site or cross-site: allowed only from an origin CORS names.
            | Some _ -> not (origin |> Option.exists allowedOrigin)

        let originHeader =
            match origin |> Option.map (fun s -> s.Trim()) with
            | None
            | Some "" -> false
            | Some o -> not (allowedOrigin o)

        fetchSite || originHeader

/// Names of the anti-forgery token on forms and on the page script's API calls (ASP.NET Core antiforgery).
[<RequireQualifiedAccess>]
module FormToken =
    /// The hidden form field.
    let field = "__RequestVerificationToken"

    /// The request header the page script sends.
    let header = "X-CSRF-Token"
