namespace TimepointFlash.Cli

open System
open System.Text
open System.Text.Json.Nodes

/// Human-readable text and Markdown from the wire JSON of a timepoint.
[<RequireQualifiedAccess>]
module Render =
    let private str (n: JsonNode) (key: string) =
        match n with
        | null -> None
        | n ->
            match n[key] with
            | null -> None
            | v when v.GetValueKind() = Text.Json.JsonValueKind.String -> Some(v.GetValue<string>())
            | v -> Some(v.ToJsonString())

    /// " (provider failure (blocked): …)" when the timepoint failed at a provider, else "".
    let private providerNote (t: JsonNode) =
        str t "error_provider_kind"
        |> Option.bind TimepointFlash.ProviderErrorKind.tryParse
        |> Option.map (fun k -> $" ({TimepointFlash.ProviderErrorKind.note k})")
        |> Option.defaultValue ""

    let private items (n: JsonNode) (key: string) =
        match n with
        | null -> []
        | n ->
            match n[key] with
            | :? JsonArray as a -> a |> Seq.filter (isNull >> not) |> List.ofSeq
            | _ -> []

    let private critique (t: JsonNode) =
        match t with
        | null -> None
        | t ->
            t["metadata"]
            |> Option.ofObj
            |> Option.bind (fun m -> Option.ofObj m["critique"])

    /// The critique as lines: a headline (issue count, whether the dialog was revised), then one line per issue.
    let private review (c: JsonNode) =
        let issues = items c "issues"
        let revised = str c "revised" = Some "true"

        let headline =
            match issues.Length, revised with
            | 0, _ -> "no issues found"
            | n, true -> $"{n} issue(s); the dialog was revised"
            | n, false -> $"{n} issue(s)"

        headline
        :: [
            for i in issues do
                let quote =
                    str i "quote" |> Option.map (fun q -> $" (“{q}”)") |> Option.defaultValue ""

                $"""{str i "severity" |> Option.defaultValue "?"} {str i "category" |> Option.defaultValue "?"} at {str i "field" |> Option.defaultValue "?"}: {str i "description" |> Option.defaultValue String.Empty}{quote}"""
        ]

    let private yearText (n: JsonNode) =
        match str n "year" |> Option.map int with
        | Some y when y < 0 -> $"{-y} BCE"
        | Some y -> $"{y} CE"
        | None -> "unknown year"

    let private monthNames = TimepointFlash.TemporalFormat.monthNames

    /// "March 15, 44 BCE" from the year/month/day fields.
    let date (t: JsonNode) =
        match str t "month" |> Option.map int, str t "day" |> Option.map int with
        | Some m, Some d when m >= 1 && m <= 12 -> $"{monthNames[m - 1]} {d}, {yearText t}"
        | Some m, None when m >= 1 && m <= 12 -> $"{monthNames[m - 1]} {yearText t}"
        | _ -> yearText t

    /// A scene as Markdown.
    let markdown (t: JsonNode) =
        let sb = StringBuilder()
        let line (s: string) = sb.AppendLine s |> ignore
        line $"""# {str t "query" |> Option.defaultValue "Timepoint"}"""
        line ""

        line
            $"""*{date t}* · {str t "location" |> Option.defaultValue "unknown place"} · {str t "era" |> Option.defaultValue String.Empty}"""

        line ""

        line
            $"""Status: **{str t "status" |> Option.defaultValue "?"}** · id `{str t "id" |> Option.defaultValue "?"}` · slug `{str t "slug" |> Option.defaultValue "?"}`"""

        match str t "error" with
        | Some e ->
            line ""
            line $"> {e}{providerNote t}"
        | None -> ()

        let scene = t["scene"]

        if not (isNull scene) then
            line ""
            line "## Setting"
            line ""
            line (str scene "setting" |> Option.defaultValue "")
            line ""
            line $"""*Atmosphere:* {str scene "atmosphere" |> Option.defaultValue String.Empty}"""

        let cast = items t["characters"] "characters"

        if not (List.isEmpty cast) then
            line ""
            line "## Characters"
            line ""

            for c in cast do
                line
                    $"""- **{str c "name" |> Option.defaultValue "?"}** ({str c "role" |> Option.defaultValue "?"}): {str c "description" |> Option.defaultValue String.Empty}"""

        let dialog = items t "dialog"

        if not (List.isEmpty dialog) then
            line ""
            line "## Dialog"
            line ""

            for l in dialog do
                line
                    $"""**{(str l "speaker" |> Option.defaultValue "?").ToUpperInvariant()}**: “{str l "text" |> Option.defaultValue String.Empty}”  """

        let moment =
            t["metadata"]
            |> Option.ofObj
            |> Option.map (fun m -> m["moment"])
            |> Option.bind Option.ofObj

        match moment with
        | Some m ->
            line ""
            line "## The moment"
            line ""
            line (str m "plot_summary" |> Option.defaultValue "")

            str m "stakes"
            |> Option.filter (fun s -> s <> "")
            |> Option.iter (fun s -> line $"\n*Stakes:* {s}")
        | None -> ()

        match critique t with
        | Some c ->
            let lines = review c
            line ""
            line "## Review"
            line ""
            line (List.head lines)

            if lines.Length > 1 then
                line ""

            for l in List.tail lines do
                line $"- {l}"
        | None -> ()

        match str t "image_prompt" with
        | Some p ->
            line ""
            line "## Image prompt"
            line ""
            line p
        | None -> ()

        sb.ToString()

    /// A short plain-text summary of a scene for the terminal.
    let summary (t: JsonNode) =
        let cast = items t["characters"] "characters" |> List.choose (fun c -> str c "name")
        let lines = items t "dialog"

        [
            yield $"""{str t "query" |> Option.defaultValue String.Empty}"""
            yield $"""  {date t} · {str t "location" |> Option.defaultValue "unknown place"}"""
            yield
                $"""  status {str t "status" |> Option.defaultValue "?"} · id {str t "id" |> Option.defaultValue "?"} · slug {str t "slug" |> Option.defaultValue "?"}"""
            match str t "error" with
            | Some e -> yield $"  error: {e}{providerNote t}"
            | None -> ()
            if not (List.isEmpty cast) then
                yield $"""  characters: {String.Join(", ", cast)}"""
            for l in lines do
                let speaker = (str l "speaker" |> Option.defaultValue "?").ToUpperInvariant()
                let text = str l "text" |> Option.defaultValue String.Empty
                yield $"  {speaker}: \"{text}\""
            match critique t |> Option.map review with
            | Some(headline :: issues) ->
                yield $"  review: {headline}"

                for i in issues do
                    yield $"    - {i}"
            | _ -> ()
            match items t["metadata"] "anachronisms" with
            | [] -> ()
            | findings ->
                yield "  possible anachronisms:"

                for f in findings do
                    let field = str f "field" |> Option.defaultValue "?"
                    let matched = str f "matched" |> Option.defaultValue "?"
                    let earliest = str f "earliest" |> Option.map int |> Option.defaultValue 1

                    yield
                        $"""    {str f "term" |> Option.defaultValue "?"} (earliest {TimepointFlash.TimelineData.displayYear earliest}) in {field}: "{matched}" """
                            .TrimEnd()
        ]
        |> String.concat "\n"

    /// One anachronism finding: "teletype: earliest 1910 CE (\"teletype machines\")".
    let finding (f: TimepointFlash.Finding) =
        let years =
            match f.Until with
            | Some last ->
                $"{TimepointFlash.TimelineData.displayYear f.Earliest} to {TimepointFlash.TimelineData.displayYear last} only"
            | None -> $"earliest {TimepointFlash.TimelineData.displayYear f.Earliest}"

        let field = if f.Field = "text" then "" else $" in {f.Field}"
        $"{f.Term}: {years}{field} (\"{f.Matched}\")"

    /// One line per item of a listing.
    let listing (page: JsonNode) =
        [
            for t in items page "items" do
                yield
                    $"""{str t "id" |> Option.defaultValue "?"}  {str t "status" |> Option.defaultValue "?", -10}  {date t, -22}  {str t "query" |> Option.defaultValue String.Empty}"""
            yield
                $"""{str page "total" |> Option.defaultValue "0"} total (page {str page "page" |> Option.defaultValue "1"})"""
        ]
        |> String.concat "\n"

    /// One line per scene of a sequence.
    let sequence (s: JsonNode) =
        let row marker (t: JsonNode) =
            $"""{marker} {str t "date" |> Option.defaultValue "?", -24} {str t "slug" |> Option.defaultValue String.Empty}"""

        [
            yield! items s "prior" |> List.map (row " ")
            yield row ">" s["center"]
            yield! items s "next" |> List.map (row " ")
        ]
        |> String.concat "\n"
