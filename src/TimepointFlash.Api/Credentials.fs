namespace TimepointFlash.Api

open System
open Microsoft.AspNetCore.Http

/// Reads the credential a request carries (once, before the rate limiter) and keeps it on the request.
[<RequireQualifiedAccess>]
module Credentials =
    let private item = "TimepointFlash.Caller"

    /// The key in X-API-Key or `Authorization: Bearer`, if the request sends one.
    let presentedKey (request: HttpRequest) =
        let header = string request.Headers["X-API-Key"]
        let auth = string request.Headers.Authorization

        if not (String.IsNullOrWhiteSpace header) then
            Some(header.Trim())
        elif auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) then
            Some(auth.Substring(7).Trim())
        else
            None

    /// The caller of a request under the configured keys at `now`: a key header wins over the session cookie.
    let resolve (keys: Set<string>) (now: DateTimeOffset) (request: HttpRequest) : Caller =
        if keys.IsEmpty then
            Caller.Anonymous
        else
            match presentedKey request with
            | Some candidate ->
                match ApiKey.find keys candidate with
                | Some key -> Caller.Key(ApiKey.fingerprint key)
                | None -> Caller.BadKey
            | None ->
                match request.Cookies.TryGetValue Session.cookieName with
                | true, cookie when not (String.IsNullOrEmpty cookie) ->
                    match Session.verify keys now cookie with
                    | Ok fp -> Caller.Session fp
                    | Error SessionError.Expired -> Caller.BadSession true
                    | Error _ -> Caller.BadSession false
                | _ -> Caller.Anonymous

    /// Keeps the resolved caller on the request.
    let store (ctx: HttpContext) (caller: Caller) = ctx.Items[item] <- box caller

    /// The caller resolved for this request (Anonymous before resolution).
    let caller (ctx: HttpContext) =
        match ctx.Items.TryGetValue item with
        | true, (:? Caller as c) -> c
        | _ -> Caller.Anonymous

    /// The key fingerprint of an authenticated caller.
    let fingerprint =
        function
        | Caller.Key fp
        | Caller.Session fp -> Some fp
        | _ -> None
