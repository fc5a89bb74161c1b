namespace TimepointFlash

/// A timepoint as a Markdown document: title, date and place, the moment, the scene, the cast and the dialog.
[<RequireQualifiedAccess>]
module TimepointMarkdown =
    /// Text safe inside Markdown prose: characters with a Markdown meaning are backslash-escaped.
    let escape (s: string) =
        let sb = System.Text.StringBuilder()

        for c in s do
            if "\\`*_{}[]()<>#+-.!|".IndexOf c >= 0 then
                sb.Append('\\') |> ignore

            sb.Append(if c = '\n' || c = '\r' then ' ' else c) |> ignore

        sb.ToString()

    /// The document; `imageUrl` is where the image can be fetched, when there is one.
    let render (t: Timepoint) (imageUrl: string option) =
        let lines = ResizeArray<string>()
        let add (s: string) = lines.Add s
        add $"# {escape t.Query}"
        add ""

        let when' =
            t.Point |> Option.map Temporal.format |> Option.defaultValue "date unknown"

        let where' = t.Location |> Option.defaultValue "place unknown"
        add $"*{escape when'} · {escape where'}* · status: {TimepointStatus.name t.Status}"
        add ""

        imageUrl
        |> Option.iter (fun u ->
            add $"![{escape t.Query}]({u})"
            add "")

        t.Moment
        |> Option.iter (fun m ->
            add "## The moment"
            add ""
            add (escape m.PlotSummary)
            add "")

        t.Scene
        |> Option.iter (fun s ->
            add "## The scene"
            add ""
            add (escape s.Setting)
            add ""
            add (escape s.Atmosphere)
            add "")

        t.Characters
        |> Option.iter (fun cs ->
            add "## Characters"
            add ""

            for c in cs.Characters do
                add $"- **{escape c.Name}**: {escape c.Description}"

            add "")

        t.Dialog
        |> Option.iter (fun d ->
            add "## Dialog"
            add ""

            for l in d.Lines do
                add $"> **{escape l.Speaker}**: {escape l.Text}"
                add ">"

            add "")

        t.Error
        |> Option.iter (fun e -> add $"Error: {escape (GenerationError.describe e)}")

        add $"---\nTimepointFlash · {t.Slug} · {t.Id}"
        String.concat "\n" lines + "\n"
