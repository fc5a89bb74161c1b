namespace TimepointFlash

/// Where the moment stands in its story.
[<RequireQualifiedAccess>]
type TensionArc =
    | Rising
    | Falling
    | Climactic
    | Resolved

/// The dramatic shape of the moment.
type MomentData = {
    PlotSummary: string
    BeforeContext: string option
    AfterContext: string option
    Stakes: string
    Consequences: string option
    TensionArc: TensionArc
    EmotionalBeats: string list
    ConflictType: string option
    CentralQuestion: string option
    DramaticIrony: string option
    HistoricalSignificance: string option
}

[<RequireQualifiedAccess>]
module TensionArc =
    /// Rising, falling, climactic or resolved; anything else reads as rising (a moment still unfolding).
    let vocabulary =
        Vocabulary.create
            [
                TensionArc.Rising, "rising"
                TensionArc.Falling, "falling"
                TensionArc.Climactic, "climactic"
                TensionArc.Resolved, "resolved"
            ]
            [
                "building", TensionArc.Rising
                "escalating", TensionArc.Rising
                "ascending", TensionArc.Rising
                "declining", TensionArc.Falling
                "easing", TensionArc.Falling
                "climax", TensionArc.Climactic
                "peak", TensionArc.Climactic
                "resolution", TensionArc.Resolved
                "settled", TensionArc.Resolved
            ]
            (Some TensionArc.Rising)

    /// Stored name.
    let name = Vocabulary.name vocabulary

    /// Reads a word leniently; anything else is rising.
    let parse (s: string) =
        Vocabulary.tryParse vocabulary s |> Option.defaultValue TensionArc.Rising

[<RequireQualifiedAccess>]
module MomentData =
    /// True when the tension arc is climactic.
    let isClimactic (m: MomentData) = m.TensionArc = TensionArc.Climactic

    /// "plot. Stakes: …. Tension: …".
    let narrative (m: MomentData) =
        [
            Some m.PlotSummary
            (if m.Stakes = "" then None else Some $"Stakes: {m.Stakes}")
            Some $"Tension: {TensionArc.name m.TensionArc}"
        ]
        |> List.choose id
        |> String.concat ". "

    /// The moment's one definition.
    let codec: Codec<MomentData> =
        Codec.record (fun plot before after stakes consequences arc beats conflict question irony significance -> {
            PlotSummary = plot
            BeforeContext = before
            AfterContext = after
            Stakes = stakes
            Consequences = consequences
            TensionArc = arc
            EmotionalBeats = beats
            ConflictType = conflict
            CentralQuestion = question
            DramaticIrony = irony
            HistoricalSignificance = significance
        })
        |> Codec.required "plot_summary" (fun m -> m.PlotSummary) Codec.prose
        |> Codec.optional "before_context" (fun m -> m.BeforeContext) Codec.prose
        |> Codec.optional "after_context" (fun m -> m.AfterContext) Codec.hindsight
        |> Codec.fallback "stakes" (fun m -> m.Stakes) "" Codec.prose
        |> Codec.optional "consequences" (fun m -> m.Consequences) Codec.hindsight
        |> Codec.fallback
            "tension_arc"
            (fun m -> m.TensionArc)
            TensionArc.Rising
            (Vocabulary.codec TensionArc.vocabulary)
        |> Codec.defaulted "emotional_beats" (fun m -> m.EmotionalBeats) [] (Codec.list (Some 6) Codec.prose)
        |> Codec.optional "conflict_type" (fun m -> m.ConflictType) Codec.label
        |> Codec.optional "central_question" (fun m -> m.CentralQuestion) Codec.prose
        |> Codec.optional "dramatic_irony" (fun m -> m.DramaticIrony) Codec.hindsight
        |> Codec.optional "historical_significance" (fun m -> m.HistoricalSignificance) Codec.hindsight
        |> Codec.seal

    /// Reads and validates a moment answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.moment).
    let key = OutputKey.ofCodec "moment" codec
