namespace TimepointFlash.Api

open System
open System.Collections.Generic
open System.Diagnostics.Metrics
open System.IO
open System.Threading.Tasks
open Microsoft.AspNetCore.Antiforgery
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open TimepointFlash

/// The edge of the access model: forwarded client, security headers, credentials, then the route's class checked
/// against the caller, the request's origin and (for forms and sessions) the anti-forgery token.
[<RequireQualifiedAccess>]
module Guard =
    /// The class of the request's endpoint. An endpoint without one is treated as a write on the API (fail closed);
    /// no endpoint (a 404) is a read.
    let classOf (ctx: HttpContext) : RouteClass =
        match ctx.GetEndpoint() with
        | null -> {
            Access = Access.Read
            Surface = Surface.Api
          }
        | e ->
            match box (e.Metadata.GetMetadata<RouteClass>()) with
            | :? RouteClass as c -> c
            | _ -> {
                Access = Access.Write
                Surface = Surface.Api
              }

    let private decisions =
        Telemetry.meter.CreateCounter<int64>(
            "tpflash_access_decisions",
            null,
            "Access decisions, by route class, outcome and key fingerprint (never the key)"
        )

    let private count (cls: RouteClass) (outcome: string) (caller: Caller) =
        decisions.Add(
            1L,
            KeyValuePair("class", box (Access.name cls.Access)),
            KeyValuePair("outcome", box outcome),
            KeyValuePair("key", box (Credentials.fingerprint caller |> Option.defaultValue "none"))
        )

    /// With FORWARDED_HEADERS=true: the client address and scheme as the one trusted proxy reports them.
    let forwarded (enabled: bool) (ctx: HttpContext) (next: RequestDelegate) : Task =
        if enabled then
            let remote = ctx.Connection.RemoteIpAddress |> Option.ofObj

            match Forwarded.client true remote (string ctx.Request.Headers["X-Forwarded-For"]) with
            | Some ip -> ctx.Connection.RemoteIpAddress <- ip
            | None -> ()

            ctx.Request.Scheme <-
                Forwarded.scheme true ctx.Request.Scheme (string ctx.Request.Headers["X-Forwarded-Proto"])

        next.Invoke ctx

    /// The Content-Security-Policy of the pages and the API: scripts and styles from this origin only.
    let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The API reference pages (Swagger UI at /docs, ReDoc at /redoc, Scalar at /scalar) start their bundles with
    /// inline scripts and styles, and ReDoc renders in a worker: the only pages allowed them.
    let docsContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "font-src 'self' data: https:; img-src 'self' data: https:; connect-src 'self'; worker-src 'self' blob:; "
        + "object-src 'none'; "
        + "base-uri 'none'; frame-ancestors 'none'"

    /// HSTS sent over https in production.
    let strictTransportSecurity = "max-age=31536000; includeSubDomains"

    /// Security headers on every response (set before the endpoint runs, so errors carry them too).
    let headers (production: bool) (ctx: HttpContext) (next: RequestDelegate) : Task =
        let h = ctx.Response.Headers

        h.ContentSecurityPolicy <-
            if DocRoutes.isPage ctx.Request.Path then
                docsContentSecurityPolicy
            else
                contentSecurityPolicy

        h.XContentTypeOptions <- "nosniff"
        h.XFrameOptions <- "DENY"
        h["Referrer-Policy"] <- "same-origin"

        if production && ctx.Request.IsHttps then
            h.StrictTransportSecurity <- strictTransportSecurity

        next.Invoke ctx

    /// Resolves the caller (before the rate limiter, which counts per key) and names its key in the log scope.
    let identify (keys: Set<string>) (logger: ILogger) (ctx: HttpContext) (next: RequestDelegate) : Task = task {
        let caller = Credentials.resolve keys DateTimeOffset.UtcNow ctx.Request
        Credentials.store ctx caller

        match Credentials.fingerprint caller with
        | Some fp ->
            use _ = logger.BeginScope("Key:{KeyFingerprint}", fp)
            do! next.Invoke ctx
        | None -> do! next.Invoke ctx
    }

    let private isSafe (m: string) =
        HttpMethods.IsGet m
        || HttpMethods.IsHead m
        || HttpMethods.IsOptions m
        || HttpMethods.IsTrace m

    let private tokenValid (ctx: HttpContext) = task {
        try
            return! ctx.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync ctx
        with
        | :? InvalidDataException
        | :? AntiforgeryValidationException -> return false
    }

    /// Refuses what the route's class does not allow this caller: 403 for another site's request or a missing form
    /// token, 401 for a missing credential (a UI page read redirects to /signin). Handlers see only allowed requests.
    let check
        (settings: AccessSettings)
        (page: HttpContext -> int -> string -> string -> Task)
        (ctx: HttpContext)
        (next: RequestDelegate)
        : Task =
        task {
            let cls = classOf ctx
            let caller = Credentials.caller ctx

            let unsafeRequest =
                Access.changesState cls.Access || not (isSafe ctx.Request.Method)

            let byKey = (Credentials.presentedKey ctx.Request).IsSome

            let crossSite =
                unsafeRequest
                && not byKey
                && Access.isCrossSite
                    settings
                    $"{ctx.Request.Scheme}://{ctx.Request.Host}"
                    (ctx.Request.Headers["Sec-Fetch-Site"] |> Seq.tryHead)
                    (ctx.Request.Headers.Origin |> Seq.tryHead)

            let refusal =
                if crossSite then
                    Some(Refusal.Forbidden "Cross-site requests cannot change anything here.")
                else
                    Access.authorize settings cls.Access caller

            let! refusal =
                match refusal with
                | Some _ -> Task.FromResult refusal
                | None when
                    unsafeRequest
                    && (cls.Surface = Surface.Ui
                        || (match caller with
                            | Caller.Session _ -> not byKey
                            | _ -> false))
                      ->
                      task {
                          let! valid = tokenValid ctx

                          return
                              if valid then
                                  None
                              else
                                  Some(
                                      Refusal.Forbidden
                                          "The form token is missing or out of date; reload the page and try again."
                                  )
                      }
                | None -> Task.FromResult None

            match refusal with
            | None ->
                count cls "allowed" caller
                do! next.Invoke ctx
            | Some(Refusal.Unauthorized detail) ->
                count cls "unauthorized" caller

                if cls.Surface = Surface.Ui && isSafe ctx.Request.Method then
                    let target = ctx.Request.Path.Value + ctx.Request.QueryString.Value
                    ctx.Response.Redirect("/signin?next=" + Uri.EscapeDataString target)
                elif cls.Surface = Surface.Ui then
                    do! page ctx 401 "Sign in needed" detail
                else
                    ctx.Response.Headers.WWWAuthenticate <- "Bearer"
                    do! (Http.problem 401 "Unauthorized" detail []).ExecuteAsync ctx
            | Some(Refusal.Forbidden detail) ->
                count cls "forbidden" caller

                if cls.Surface = Surface.Ui then
                    do! page ctx 403 "Refused" detail
                else
                    do! (Http.problem 403 "Forbidden" detail []).ExecuteAsync ctx
        }
