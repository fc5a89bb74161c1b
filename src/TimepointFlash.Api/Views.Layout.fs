namespace TimepointFlash.Api

open Giraffe.ViewEngine

/// What every page shows around its content: banners, the sign-in state and the anti-forgery token for its forms.
type Chrome = {
    /// The offline engine answers (banner).
    Offline: bool
    /// No API_KEYS: anyone may write (banner).
    Open: bool
    /// The browser holds a valid session (shows sign-out).
    SignedIn: bool
    /// The anti-forgery request token for this page's forms and script.
    Token: string
}

/// The page shell: head, stylesheet, header with the banners and sign-in state, footer, page script.
[<RequireQualifiedAccess>]
module Layout =
    /// The hidden anti-forgery field every form carries.
    let tokenField (chrome: Chrome) =
        input [ _type "hidden"; _name FormToken.field; _value chrome.Token ]

    /// A full HTML page.
    let page (title': string) (chrome: Chrome) (content: XmlNode list) =
        html [ _lang "en" ] [
            head [] [
                meta [ _charset "utf-8" ]
                meta [ _name "viewport"; _content "width=device-width, initial-scale=1" ]
                title [] [ str $"{title'} · TimepointFlash" ]
                meta [
                    _name "request-token"
                    _content chrome.Token
                    attr "data-header" FormToken.header
                ]
                link [ _rel "icon"; _href "data:," ]
                link [ _rel "stylesheet"; _href (Assets.url Assets.styles) ]
                script [ _src (Assets.url Assets.script); _defer ] []
            ]
            body [] [
                a [ _class "skip"; _href "#content" ] [ str "Skip to content" ]
                header [ _class "site" ] [
                    a [ _class "brand"; _href "/" ] [ str "TimepointFlash" ]
                    if chrome.SignedIn then
                        form [ _id "signout-form"; _class "session"; _method "post"; _action "/signout" ] [
                            tokenField chrome
                            button [ _type "submit"; _class "secondary" ] [ str "Sign out" ]
                        ]
                    elif not chrome.Open then
                        a [ _id "signin-link"; _class "session"; _href "/signin" ] [ str "Sign in" ]
                ]
                main [ _id "content" ] [
                    if chrome.Open then
                        p [ _class "banner"; _id "open-banner"; attr "role" "status" ] [
                            str
                                "Open server: no API keys are configured, so anyone who can reach it may generate and delete scenes. Set API_KEYS to require a key."
                        ]
                    if chrome.Offline then
                        p [ _class "banner"; _id "offline-banner"; attr "role" "status" ] [
                            str
                                "Offline engine in use: scenes come from TimepointFlash's built-in deterministic engine, not from a language model. Set a provider key to use a model."
                        ]
                    yield! content
                ]
                footer [ _class "site" ] [ str "TimepointFlash · "; a [ _href "/docs" ] [ str "API docs" ] ]
            ]
        ]

    /// Renders a page to a string.
    let render (node: XmlNode) = RenderView.AsString.htmlDocument node
