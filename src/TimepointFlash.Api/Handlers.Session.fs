namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.Logging
open Giraffe.ViewEngine

/// Sign-in (a key entered once becomes a signed session cookie, never the key itself) and sign-out.
[<RequireQualifiedAccess>]
module SessionHandlers =
    /// Where to go after signing in: a local path only (never another site).
    let safeNext (next: string) =
        if
            not (String.IsNullOrEmpty next)
            && next.StartsWith "/"
            && not (next.StartsWith "//")
            && not (next.Contains '\\')
            && next.Length <= 500
        then
            next
        else
            "/"

    let private page (deps: ApiDeps) (ctx: HttpContext) (status: int) (next: string) (error: string option) =
        let chrome = Pages.chrome deps ctx

        Pages.html
            status
            (Layout.page "Sign in" chrome [
                section [ _class "card"; attr "aria-labelledby" "signin-title" ] [
                    h1 [ _id "signin-title" ] [ str "Sign in" ]
                    if chrome.Open then
                        p [ _id "signin-open" ] [
                            str "This server has no API keys: everything works without signing in."
                        ]
                    else
                        p [] [
                            str
                                "Enter one of the server's API keys. The browser keeps a signed session for 12 hours, not the key."
                        ]

                        form [ _id "signin-form"; _class "generate"; _method "post"; _action "/signin" ] [
                            Layout.tokenField chrome
                            input [ _type "hidden"; _name "next"; _value (safeNext next) ]
                            label [ _for "key" ] [ str "API key" ]
                            input [
                                _id "key"
                                _type "password"
                                _name "key"
                                _required
                                attr "autocomplete" "current-password"
                            ]
                            button [ _type "submit" ] [ str "Sign in" ]
                        ]
                    match error with
                    | Some e -> p [ _class "failed"; _id "form-error"; attr "role" "alert" ] [ str e ]
                    | None -> ()
                ]
            ])

    /// GET /signin
    let show (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        Task.FromResult(page deps ctx 200 (defaultArg (Http.query "next" ctx) "/") None)

    let private cookieOptions (ctx: HttpContext) (expires: DateTimeOffset option) =
        CookieOptions(
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = ctx.Request.IsHttps,
            Path = "/",
            Expires = Option.toNullable expires,
            IsEssential = true
        )

    /// POST /signin — a configured key sets the session cookie and goes on; anything else shows the form again.
    let signIn (deps: ApiDeps) (logger: ILogger) (ctx: HttpContext) : Task<IResult> = task {
        if not ctx.Request.HasFormContentType then
            return Pages.message deps ctx 415 "Unsupported form" "Submit the form from the sign-in page."
        else
            let! form = ctx.Request.ReadFormAsync(ctx.RequestAborted)
            let next = safeNext (string form["next"])

            match ApiKey.find deps.Access.Keys (string form["key"]) with
            | Some key ->
                let now = DateTimeOffset.UtcNow

                ctx.Response.Cookies.Append(
                    Session.cookieName,
                    Session.issue key now,
                    cookieOptions ctx (Some(now + Session.lifetime))
                )

                logger.LogInformation("Signed in with key {KeyFingerprint}", ApiKey.fingerprint key)
                return Results.Redirect(next, false)
            | None when deps.Access.Keys.IsEmpty -> return Results.Redirect(next, false)
            | None -> return page deps ctx 401 next (Some "That key is not accepted.")
    }

    /// POST /signout — clears the session cookie.
    let signOut (ctx: HttpContext) : Task<IResult> =
        ctx.Response.Cookies.Delete(Session.cookieName, cookieOptions ctx None)
        Task.FromResult(Results.Redirect("/", false))
