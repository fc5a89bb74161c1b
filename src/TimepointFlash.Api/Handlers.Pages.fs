namespace TimepointFlash.Api

open Microsoft.AspNetCore.Antiforgery
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Giraffe.ViewEngine

/// What every page handler shares: the page chrome (banners, sign-in state, form token) and HTML results.
[<RequireQualifiedAccess>]
module Pages =
    /// The chrome of a page for this request; issues the anti-forgery token its forms carry.
    let chrome (deps: ApiDeps) (ctx: HttpContext) : Chrome =
        let tokens =
            ctx.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens ctx

        {
            Offline = deps.Engine.IsOffline
            Open = deps.Access.Keys.IsEmpty
            SignedIn =
                match Credentials.caller ctx with
                | Caller.Session _ -> true
                | _ -> false
            Token = tokens.RequestToken
        }

    /// An HTML result.
    let html (status: int) (node: XmlNode) : IResult =
        Results.Text(Layout.render node, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status)

    /// A page with a heading, a sentence and a way on (home, or the sign-in page).
    let message (deps: ApiDeps) (ctx: HttpContext) status (title: string) (text: string) =
        let signIn = status = StatusCodes.Status401Unauthorized

        html
            status
            (Layout.page title (chrome deps ctx) [
                h1 [] [ str title ]
                p [ _id "message" ] [ str text ]
                if signIn then
                    a [ _href "/signin" ] [ str "Sign in" ]
                else
                    a [ _href "/" ] [ str "Home" ]
            ])
