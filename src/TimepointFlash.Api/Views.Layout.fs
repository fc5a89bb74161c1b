namespace TimepointFlash.Api

open Giraffe.ViewEngine

/// The page shell: head, styles, header with the offline-engine banner, footer.
[<RequireQualifiedAccess>]
module Layout =
    let private css =
        """
:root{--ink:#1d1b16;--paper:#faf6ee;--accent:#8a3b12;--muted:#6b6254;--line:#d9cfbd;--card:#fffdf8;--bad:#a40000}
*{box-sizing:border-box}body{margin:0;font:16px/1.55 Georgia,'Times New Roman',serif;color:var(--ink);background:var(--paper)}
a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #e0a458;outline-offset:2px}
header.site,footer.site{padding:.8rem 1rem;border-bottom:1px solid var(--line)}footer.site{border-top:1px solid var(--line);border-bottom:0;color:var(--muted);font-size:.9rem}
header.site a.brand{font-weight:bold;text-decoration:none;font-size:1.2rem}main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.9rem;line-height:1.2;margin:.4rem 0;overflow-wrap:anywhere}h2{margin:0 0 .6rem;font-size:1.35rem}h3{margin:.2rem 0 .4rem}
.skip{position:absolute;left:-999rem}.skip:focus{left:1rem;top:.5rem;background:var(--card);padding:.3rem .6rem;border:1px solid var(--line)}
.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem 1rem;margin:0 0 1rem}
form.generate{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}form.generate input[type=text]{flex:1 1 16rem;min-width:0}
input,select{font:inherit;padding:.45rem .5rem;border:1px solid var(--line);border-radius:3px;background:#fff;color:var(--ink)}input[type=number]{width:5.5rem}input[type=checkbox]{padding:0}
button{font:inherit;padding:.5rem 1rem;background:var(--accent);color:#fff;border:0;border-radius:3px;cursor:pointer}button.secondary{background:var(--muted)}button:disabled{opacity:.6;cursor:progress}
.card{background:var(--card);border:1px solid var(--line);border-radius:4px;padding:1rem;margin:0 0 1rem;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}.cards .card{margin:0}
ol.progress{list-style:none;padding:0;margin:.6rem 0 0}ol.progress li{padding:.15rem 0}ol.progress li.failed{color:var(--bad)}ol.progress li.done::before{content:'✓ ';color:#2e7d32}ol.progress li.failed::before{content:'✗ '}
.failed{color:var(--bad)}.meta{color:var(--muted)}.when{font-size:1.1rem;margin:0 0 .8rem}
figure{margin:0 0 1rem}figure img,figure svg{display:block;width:100%;height:auto;border:1px solid var(--line);background:#fff}figcaption{font-size:.9rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.6rem 0}dl.facts dt{font-weight:bold;color:var(--muted)}dl.facts dd{margin:0}
.character .role{display:inline-block;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;border:1px solid var(--line);border-radius:2px;padding:0 .4rem}
.character dl.facts{grid-template-columns:1fr}.character dl.facts dd{margin:0 0 .3rem}
.script p{margin:.45rem 0}.script .speaker{font-variant:small-caps;font-weight:bold}.script .context{font-style:italic}
.strip{display:flex;gap:.5rem;overflow-x:auto;padding:.3rem 0 .6rem;margin:0 0 .6rem;align-items:center}.strip a,.strip span{flex:0 0 auto;border:1px solid var(--line);padding:.3rem .6rem;border-radius:3px;background:var(--card);text-decoration:none}.strip .here{border-color:var(--accent);font-weight:bold}.strip .label{border:0;background:none;color:var(--muted);padding-left:0}
.table-wrap{overflow-x:auto}table.steps{border-collapse:collapse;width:100%}table.steps td,table.steps th{border-bottom:1px solid var(--line);padding:.25rem .4rem;text-align:left}table.steps td.num{text-align:right;font-variant-numeric:tabular-nums}table.steps tfoot td{font-weight:bold;border-bottom:0}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;list-style:none;font-size:.9rem}.swatch{display:inline-block;width:1.4rem;height:.3rem;vertical-align:middle;margin-right:.3rem}
ul.relations{padding-left:1.2rem}
.travel-controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}.actions form{margin:0}
nav.pager{display:flex;gap:1rem;align-items:center}
@media (max-width:40rem){main{padding:.6rem}h1{font-size:1.5rem}.cards{grid-template-columns:1fr}dl.facts{grid-template-columns:1fr}dl.facts dd{margin:0 0 .3rem}}
"""

    /// A full HTML page.
    let page (title': string) (offline: bool) (content: XmlNode list) =
        html [ _lang "en" ] [
            head [] [
                meta [ _charset "utf-8" ]
                meta [ _name "viewport"; _content "width=device-width, initial-scale=1" ]
                title [] [ str $"{title'} · TimepointFlash" ]
                link [ _rel "icon"; _href "data:," ]
                style [] [ rawText css ]
            ]
            body [] [
                a [ _class "skip"; _href "#content" ] [ str "Skip to content" ]
                header [ _class "site" ] [ a [ _class "brand"; _href "/" ] [ str "TimepointFlash" ] ]
                main [ _id "content" ] [
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
