namespace TimepointFlash.Api

open Giraffe.ViewEngine
open TimepointFlash

/// The home page: generate with live progress, and browse recent scenes.
[<RequireQualifiedAccess>]
module HomeView =
    let private card (t: TimepointSummary) =
        article [ _class "card" ] [
            h3 [] [
                if TimepointStatus.isFinal t.Status then
                    a [ _href $"/t/{t.Slug}" ] [ str t.Query ]
                else
                    str t.Query
            ]
            p [ _class "meta" ] [
                str (
                    [
                        t.Point |> Option.map Temporal.format
                        t.Location
                        Some(TimepointStatus.name t.Status)
                    ]
                    |> List.choose id
                    |> String.concat " · "
                )
            ]
        ]

    /// The preset picker and the "advanced" disclosure (text model, image model, temperature, grounding).
    let private controls (presets: PresetPort) = [
        label [ _for "preset" ] [ str "Preset" ]
        select [ _id "preset"; _name "preset" ] [
            for name in presets.Names do
                option [
                    _value name
                    if name = presets.Default then
                        _selected
                ] [ str name ]
        ]
        details [ _class "advanced" ] [
            summary [] [ str "Advanced" ]
            label [ _for "text_model" ] [ str "Text model" ]
            input [
                _id "text_model"
                _type "text"
                _name "text_model"
                _maxlength "200"
                _placeholder "the preset's"
            ]
            label [ _for "image_model" ] [ str "Image model" ]
            input [
                _id "image_model"
                _type "text"
                _name "image_model"
                _maxlength "200"
                _placeholder "the preset's"
            ]
            label [ _for "temperature" ] [ str "Temperature (0–2)" ]
            input [
                _id "temperature"
                _type "number"
                _name "temperature"
                _min "0"
                _max "2"
                _step "0.1"
            ]
            label [ _for "grounding" ] [ str "Check against sources" ]
            select [ _id "grounding"; _name "grounding" ] [
                option [ _value ""; _selected ] [ str "the deployment's setting" ]
                for mode in GroundingMode.all do
                    option [ _value (GroundingMode.name mode) ] [ str (GroundingMode.name mode) ]
            ]
        ]
    ]

    /// The page for a listing (search text, page) with an optional error message.
    let page
        (chrome: Chrome)
        (presets: PresetPort)
        (search: string option)
        (result: Page<TimepointSummary>)
        (error: string option)
        =
        let pages =
            int ((result.Total + int64 result.PageSize - 1L) / int64 result.PageSize)

        let q =
            search
            |> Option.map (fun s -> "&q=" + System.Uri.EscapeDataString s)
            |> Option.defaultValue ""

        Layout.page "Generate a moment in time" chrome [
            section [ _class "card"; attr "aria-labelledby" "gen-title" ] [
                h1 [ _id "gen-title" ] [ str "Step into a moment in time" ]
                form [
                    _id "generate-form"
                    _class "generate"
                    _method "post"
                    _action "/ui/generate"
                ] [
                    Layout.tokenField chrome
                    label [ _for "query" ] [ str "Moment" ]
                    input [
                        _id "query"
                        _type "text"
                        _name "query"
                        _required
                        _minlength "3"
                        _maxlength "500"
                        _placeholder "signing of the declaration of independence"
                    ]
                    label [] [
                        input [ _type "checkbox"; _name "generate_image"; _value "true" ]
                        str " generate image"
                    ]
                    yield! controls presets
                    button [ _type "submit" ] [ str "Generate" ]
                ]
                match error with
                | Some e -> p [ _class "failed"; _id "form-error"; attr "role" "alert" ] [ str e ]
                | None -> ()
                ol [ _id "progress"; _class "progress"; attr "aria-live" "polite" ] []
            ]
            section [ attr "aria-labelledby" "recent-title" ] [
                h2 [ _id "recent-title" ] [ str "Recent scenes" ]
                form [ _method "get"; _action "/"; _class "generate"; attr "role" "search" ] [
                    label [ _for "search" ] [ str "Search" ]
                    input [
                        _id "search"
                        _type "text"
                        _name "q"
                        _value (defaultArg search "")
                        _maxlength "200"
                    ]
                    button [ _type "submit"; _class "secondary" ] [ str "Search" ]
                ]
                p [ _class "meta"; _id "recent-count" ] [
                    str (
                        match search with
                        | Some s -> $"{result.Total} scene(s) matching “{s}”"
                        | None -> $"{result.Total} scene(s)"
                    )
                ]
                div [ _class "cards"; _id "recent" ] (result.Items |> List.map card)
                nav [ _class "pager"; attr "aria-label" "pages" ] [
                    if result.Page > 1 then
                        a [ _href $"/?page={result.Page - 1}{q}"; attr "rel" "prev" ] [ str "← Newer" ]
                    if pages > 1 then
                        span [ _class "meta" ] [ str $"Page {result.Page} of {pages}" ]
                    if result.Page < pages then
                        a [ _href $"/?page={result.Page + 1}{q}"; attr "rel" "next" ] [ str "Older →" ]
                ]
            ]
        ]
