namespace TimepointFlash.Api

open Giraffe.ViewEngine

/// The page shell: head, styles, header with the offline-engine banner, footer.
[<RequireQualifiedAccess>]
module Layout =
    let private css =
        """
:root{--ink:#1d1b16;--paper:#faf6ee;--accent:#8a3b12;--muted:#6b6254;--line:#d9cfbd;--card:#fffdf8}
*{box-sizing:border-box}body{margin:0;font:16px/1.55 Georgia,'Times New Roman',serif;color:var(--ink);background:var(--paper)}
a{color:var(--accent)}header.site,footer.site{padding:.8rem 1rem;border-bottom:1px solid var(--line)}footer.site{border-top:1px solid var(--line);border-bottom:0;color:var(--muted);font-size:.9rem}
header.site a.brand{font-weight:bold;text-decoration:none;font-size:1.2rem}main{max-width:60rem;margin:0 auto;padding:1rem}
.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem 1rem;margin:0 0 1rem}
form.generate{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}form.generate input[type=text]{flex:1 1 20rem;padding:.6rem;font:inherit;border:1px solid var(--line)}
button{font:inherit;padding:.5rem 1rem;background:var(--accent);color:#fff;border:0;border-radius:3px;cursor:pointer}button.secondary{background:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:4px;padding:1rem;margin:0 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}
ol.progress{list-style:none;padding:0}ol.progress li{padding:.2rem 0}ol.progress li.failed{color:#a40000}ol.progress li.done::before{content:'✓ '}ol.progress li.failed::before{content:'✗ '}
.meta{color:var(--muted)}figure{margin:0}figure img,figure svg{width:100%;height:auto;border:1px solid var(--line)}
.script p{margin:.4rem 0}.script .speaker{font-variant:small-caps;font-weight:bold}
.strip{display:flex;gap:.5rem;overflow-x:auto;padding:.5rem 0}.strip a,.strip span{flex:0 0 auto;border:1px solid var(--line);padding:.4rem .6rem;border-radius:3px;background:var(--card);text-decoration:none}.strip .here{border-color:var(--accent);font-weight:bold}
table.steps{border-collapse:collapse;width:100%}table.steps td,table.steps th{border-bottom:1px solid var(--line);padding:.25rem;text-align:left}
nav.pager{display:flex;gap:1rem}
@media (max-width:40rem){main{padding:.6rem}.cards{grid-template-columns:1fr}}
"""

    /// A full HTML page.
    let page (title': string) (offline: bool) (content: XmlNode list) =
        html [ _lang "en" ] [
            head [] [
                meta [ _charset "utf-8" ]
                meta [ _name "viewport"; _content "width=device-width, initial-scale=1" ]
                title [] [ str $"{title'} · TimepointFlash" ]
                style [] [ rawText css ]
            ]
            body [] [
                header [ _class "site" ] [ a [ _class "brand"; _href "/" ] [ str "TimepointFlash" ] ]
                main [] [
                    if offline then
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
