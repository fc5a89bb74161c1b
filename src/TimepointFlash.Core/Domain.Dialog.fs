namespace TimepointFlash

open FsToolkit.ErrorHandling

/// One spoken line.
type DialogLine = {
    Speaker: string
    Text: string
    Tone: string option
    IsWhispered: bool
    Action: string option
    Direction: string option
    ResponseTo: string option
}

/// The scene's dialog (at most 7 lines).
type DialogData = {
    Lines: DialogLine list
    SceneContext: string option
    LanguageStyle: string option
    HistoricalAccuracyNote: string option
}

[<RequireQualifiedAccess>]
module DialogLine =
    /// SPEAKER (tone) "text" [action].
    let toScript (l: DialogLine) =
        [
            Some(l.Speaker.ToUpperInvariant())
            l.Tone |> Option.map (sprintf "(%s)")
            Some $"\"{l.Text}\""
            l.Action |> Option.map (sprintf "[%s]")
        ]
        |> List.choose id
        |> String.concat " "

    /// Reads one line.
    let decoder: Decoder<DialogLine> =
        fun path el -> validation {
            let! speaker = Decode.field "speaker" Decode.nonBlank path el
            and! text = Decode.field "text" Decode.nonBlank path el
            and! tone = Decode.text "tone" path el
            and! whispered = Decode.withDefault "is_whispered" false Decode.bool path el
            and! action = Decode.text "action" path el
            and! direction = Decode.text "direction" path el
            and! responseTo = Decode.text "response_to" path el

            return {
                Speaker = speaker
                Text = text
                Tone = tone
                IsWhispered = whispered
                Action = action
                Direction = direction
                ResponseTo = responseTo
            }
        }

    /// Wire form.
    let encode (l: DialogLine) =
        Encode.obj [
            "speaker", Encode.string l.Speaker
            "text", Encode.string l.Text
            "tone", Encode.opt Encode.string l.Tone
            "is_whispered", Encode.bool l.IsWhispered
            "action", Encode.opt Encode.string l.Action
            "direction", Encode.opt Encode.string l.Direction
            "response_to", Encode.opt Encode.string l.ResponseTo
        ]

[<RequireQualifiedAccess>]
module DialogData =
    /// The most lines a scene keeps.
    let maxLines = 7

    /// The most distinct speakers a scene has.
    let maxSpeakers = 4

    /// Unique speakers in order of first appearance.
    let speakers (d: DialogData) =
        d.Lines |> List.map (fun l -> l.Speaker) |> List.distinct

    /// Lines of one speaker, case-insensitively.
    let linesBy (speaker: string) (d: DialogData) =
        d.Lines
        |> List.filter (fun l -> l.Speaker.ToLowerInvariant() = speaker.Trim().ToLowerInvariant())

    /// The whole dialog as a script: optional "[context]" then each line, separated by blank lines.
    let toScript (d: DialogData) =
        [
            yield! d.SceneContext |> Option.map (sprintf "[%s]") |> Option.toList
            yield! d.Lines |> List.map DialogLine.toScript
        ]
        |> String.concat "\n\n"

    /// Keeps lines of the first 4 distinct speakers, then the first 7 of those.
    let trim (lines: DialogLine list) =
        let allowed =
            lines
            |> List.map (fun l -> l.Speaker.ToLowerInvariant())
            |> List.distinct
            |> List.truncate maxSpeakers
            |> Set.ofList

        lines
        |> List.filter (fun l -> allowed.Contains(l.Speaker.ToLowerInvariant()))
        |> List.truncate maxLines

    /// The most lines a stored dialog keeps: the scene's own and the lines saved by dialog extensions.
    let maxStoredLines = 200

    let private decodeWith (limit: DialogLine list -> DialogLine list) : Decoder<DialogData> =
        fun path el -> validation {
            let! lines =
                Decode.field
                    "lines"
                    (Decode.list DialogLine.decoder
                     |> Decode.check (fun ls ->
                         if List.isEmpty ls then
                             Some "must contain at least one line"
                         else
                             None))
                    path
                    el

            and! context = Decode.text "scene_context" path el
            and! style = Decode.text "language_style" path el
            and! note = Decode.text "historical_accuracy_note" path el

            return {
                Lines = limit lines
                SceneContext = context
                LanguageStyle = style
                HistoricalAccuracyNote = note
            }
        }

    /// Reads and validates a dialog answer (1–7 lines after trimming).
    let decoder: Decoder<DialogData> = decodeWith trim

    /// Reads a stored dialog: the scene's lines and any saved extension, untrimmed (up to `maxStoredLines`).
    let storedDecoder: Decoder<DialogData> = decodeWith (List.truncate maxStoredLines)

    /// Wire form.
    let encode (d: DialogData) =
        Encode.obj [
            "lines", Encode.list DialogLine.encode d.Lines
            "scene_context", Encode.opt Encode.string d.SceneContext
            "language_style", Encode.opt Encode.string d.LanguageStyle
            "historical_accuracy_note", Encode.opt Encode.string d.HistoricalAccuracyNote
        ]

    /// Where the output is kept (metadata.dialog).
    let key = OutputKey.create "dialog" encode storedDecoder
