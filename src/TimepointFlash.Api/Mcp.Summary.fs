namespace TimepointFlash.Api

open System
open System.Text
open TimepointFlash

/// A short Markdown account of a timepoint for agents: title, date and place, status, setting, cast, first lines.
[<RequireQualifiedAccess>]
module McpSummary =
    let private dateOf (t: Timepoint) =
        match t.Point with
        | None -> "date unknown"
        | Some p ->
            let year = if p.Year < 0 then $"{-p.Year} BCE" else $"{p.Year} CE"

            match p.Month, p.Day with
            | Some m, Some d when m >= 1 && m <= 12 -> $"{TemporalFormat.monthNames[m - 1]} {d}, {year}"
            | Some m, None when m >= 1 && m <= 12 -> $"{TemporalFormat.monthNames[m - 1]} {year}"
            | _ -> year

    /// Lines of dialog shown in the summary.
    let dialogLines = 4

    /// The summary text.
    let markdown (t: Timepoint) =
        let sb = StringBuilder()
        let line (s: string) = sb.AppendLine s |> ignore
        line $"# {t.Query}"
        line ""
        line $"""*{dateOf t}* · {t.Location |> Option.defaultValue "unknown place"}"""
        line ""
        line $"Status: **{TimepointStatus.name t.Status}** · id `{t.Id}` · slug `{t.Slug}`"

        t.Error
        |> Option.iter (fun e ->
            line ""
            line $"> {GenerationError.describe e}")

        t.Scene
        |> Option.iter (fun s ->
            line ""
            line $"**Setting.** {s.Setting}"
            line ""
            line $"**Atmosphere.** {s.Atmosphere}")

        t.Characters
        |> Option.iter (fun c ->
            if not (List.isEmpty c.Characters) then
                line ""
                line "**Characters.**"

                for ch in c.Characters do
                    line $"- {ch.Name}: {ch.Description}")

        t.Dialog
        |> Option.iter (fun d ->
            if not (List.isEmpty d.Lines) then
                line ""
                line "**Dialog.**"

                for l in List.truncate dialogLines d.Lines do
                    line $"> **{l.Speaker}**: {l.Text}")

        if t.HasImage then
            line ""
            line $"Image: `timepoint://{t.Id}/image`"

        sb.ToString().TrimEnd()
