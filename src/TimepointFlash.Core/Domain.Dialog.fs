namespace TimepointFlash

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

    /// The codec of one line.
    let codec: Codec<DialogLine> =
        Codec.record (fun speaker text tone whispered action direction responseTo -> {
            Speaker = speaker
            Text = text
            Tone = tone
            IsWhispered = whispered
            Action = action
            Direction = direction
            ResponseTo = responseTo
        })
        |> Codec.required "speaker" (fun l -> l.Speaker) Codec.label
        |> Codec.required "text" (fun l -> l.Text) Codec.prose
        |> Codec.optional "tone" (fun l -> l.Tone) Codec.label
        |> Codec.defaulted "is_whispered" (fun l -> l.IsWhispered) false Codec.bool
        |> Codec.optional "action" (fun l -> l.Action) Codec.prose
        |> Codec.optional "direction" (fun l -> l.Direction) Codec.prose
        |> Codec.optional "response_to" (fun l -> l.ResponseTo) Codec.label
        |> Codec.seal

    /// Reads one line.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

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

    let private codecWith (limit: DialogLine list -> DialogLine list) : Codec<DialogData> =
        Codec.record (fun lines context style note -> {
            Lines = limit lines
            SceneContext = context
            LanguageStyle = style
            HistoricalAccuracyNote = note
        })
        |> Codec.required
            "lines"
            (fun d -> d.Lines)
            (Codec.list (Some maxLines) DialogLine.codec
             |> Codec.check (fun ls ->
                 if List.isEmpty ls then
                     Some "must contain at least one line"
                 else
                     None))
        |> Codec.optional "scene_context" (fun d -> d.SceneContext) Codec.prose
        |> Codec.optional "language_style" (fun d -> d.LanguageStyle) Codec.guidance
        |> Codec.optional "historical_accuracy_note" (fun d -> d.HistoricalAccuracyNote) Codec.hindsight
        |> Codec.seal

    /// The dialog agent's definition: 1–7 lines after trimming.
    let codec = codecWith trim

    /// The stored dialog's definition: the scene's lines and any saved extension, untrimmed (up to
    /// `maxStoredLines`).
    let storedCodec = codecWith (List.truncate maxStoredLines)

    /// Reads and validates a dialog answer (1–7 lines after trimming).
    let decoder: Decoder<DialogData> = codec.Decoder

    /// Reads a stored dialog.
    let storedDecoder: Decoder<DialogData> = storedCodec.Decoder

    /// Wire form.
    let encode = storedCodec.Encode

    /// Where the output is kept (metadata.dialog).
    let key = OutputKey.ofCodec "dialog" storedCodec
