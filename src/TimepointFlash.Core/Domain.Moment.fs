namespace TimepointFlash

open FsToolkit.ErrorHandling

/// The dramatic shape of the moment.
type MomentData = {
    PlotSummary: string
    BeforeContext: string option
    AfterContext: string option
    Stakes: string
    Consequences: string option
    TensionArc: string
    EmotionalBeats: string list
    ConflictType: string option
    CentralQuestion: string option
    DramaticIrony: string option
    HistoricalSignificance: string option
}

[<RequireQualifiedAccess>]
module MomentData =
    /// True when the tension arc is exactly "climactic".
    let isClimactic (m: MomentData) = m.TensionArc = "climactic"

    /// "plot. Stakes: …. Tension: …".
    let narrative (m: MomentData) =
        [
            Some m.PlotSummary
            (if m.Stakes = "" then None else Some $"Stakes: {m.Stakes}")
            Some $"Tension: {m.TensionArc}"
        ]
        |> List.choose id
        |> String.concat ". "

    /// Reads and validates a moment answer.
    let decoder: Decoder<MomentData> =
        fun path el -> validation {
            let! plot = Decode.field "plot_summary" Decode.nonBlank path el
            and! before = Decode.text "before_context" path el
            and! after = Decode.text "after_context" path el
            and! stakes = Decode.textOr "stakes" "" path el
            and! consequences = Decode.text "consequences" path el
            and! arc = Decode.textOr "tension_arc" "rising" path el
            and! beats = Decode.listOrEmpty "emotional_beats" Decode.nonBlank path el
            and! conflict = Decode.text "conflict_type" path el
            and! question = Decode.text "central_question" path el
            and! irony = Decode.text "dramatic_irony" path el
            and! significance = Decode.text "historical_significance" path el

            return {
                PlotSummary = plot
                BeforeContext = before
                AfterContext = after
                Stakes = stakes
                Consequences = consequences
                TensionArc = arc.ToLowerInvariant()
                EmotionalBeats = beats
                ConflictType = conflict
                CentralQuestion = question
                DramaticIrony = irony
                HistoricalSignificance = significance
            }
        }

    /// Wire form.
    let encode (m: MomentData) =
        Encode.obj [
            "plot_summary", Encode.string m.PlotSummary
            "before_context", Encode.opt Encode.string m.BeforeContext
            "after_context", Encode.opt Encode.string m.AfterContext
            "stakes", Encode.string m.Stakes
            "consequences", Encode.opt Encode.string m.Consequences
            "tension_arc", Encode.string m.TensionArc
            "emotional_beats", Encode.list Encode.string m.EmotionalBeats
            "conflict_type", Encode.opt Encode.string m.ConflictType
            "central_question", Encode.opt Encode.string m.CentralQuestion
            "dramatic_irony", Encode.opt Encode.string m.DramaticIrony
            "historical_significance", Encode.opt Encode.string m.HistoricalSignificance
        ]

    /// Where the output is kept (metadata.moment).
    let key = OutputKey.create "moment" encode decoder
