namespace TimepointFlash

/// A source a grounding cites.
type GroundingSource = { Title: string; Url: string }

/// What a search (or the offline engine's curated data) confirmed about a real event.
type GroundingData = {
    VerifiedDate: string option
    VerifiedLocation: string option
    Participants: string list
    Facts: string list
    Sources: GroundingSource list
    Confidence: float
}

[<RequireQualifiedAccess>]
module GroundingSource =
    /// The codec of one source; a source without a title is titled by its address.
    let codec: Codec<GroundingSource> =
        Codec.record (fun title url -> {
            Title = if title = "" then url else title
            Url = url
        })
        |> Codec.defaulted "title" (fun s -> s.Title) "" Codec.label
        |> Codec.required "url" (fun s -> s.Url) Codec.label
        |> Codec.seal

    /// True for an address a page may link to (http or https); anything else is shown as text.
    let isLinkable (s: GroundingSource) =
        s.Url.StartsWith("https://", System.StringComparison.OrdinalIgnoreCase)
        || s.Url.StartsWith("http://", System.StringComparison.OrdinalIgnoreCase)

[<RequireQualifiedAccess>]
module GroundingData =
    let private names max kind =
        Codec.list (Some max) (Codec.loose kind)
        |> Codec.refine (List.filter (fun s -> s <> ""))

    /// The grounding's one definition (blank names and facts are dropped; sources are unique by address).
    let codec: Codec<GroundingData> =
        Codec.record (fun date location participants facts sources confidence -> {
            VerifiedDate = date
            VerifiedLocation = location
            Participants = participants
            Facts = facts
            Sources = sources |> List.distinctBy (fun (s: GroundingSource) -> s.Url)
            Confidence = confidence
        })
        |> Codec.optional "verified_date" (fun g -> g.VerifiedDate) Codec.label
        |> Codec.optional "verified_location" (fun g -> g.VerifiedLocation) Codec.label
        |> Codec.defaulted "participants" (fun g -> g.Participants) [] (names 12 TextKind.Label)
        |> Codec.fallback "facts" (fun g -> g.Facts) [] (names 8 TextKind.Hindsight)
        |> Codec.fallback "sources" (fun g -> g.Sources) [] (Codec.list (Some 8) GroundingSource.codec)
        |> Codec.fallback "confidence" (fun g -> g.Confidence) 0.5 (Codec.floatRange 0.0 1.0)
        |> Codec.seal

    /// Reads and validates a grounding answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.grounding, and top-level `grounding`).
    let key = OutputKey.ofCodec "grounding" codec

    /// Verified facts as prompt lines for the steps that build the scene.
    let promptLines (g: GroundingData) =
        [
            g.VerifiedDate |> Option.map (fun d -> $"verified date: {d}")
            g.VerifiedLocation |> Option.map (fun l -> $"verified place: {l}")
            (if g.Participants.IsEmpty then
                 None
             else
                 Some("verified participants: " + String.concat ", " g.Participants))
        ]
        |> List.choose id
        |> fun head -> head @ (g.Facts |> List.map (fun f -> "fact: " + f))

    /// The prompt section a grounded step adds: the verified facts, or nothing without a grounding.
    let promptSection (g: GroundingData option) =
        match g |> Option.map promptLines with
        | Some(_ :: _ as lines) ->
            "\n\nVerified against sources (keep to these):\n"
            + (lines |> List.map (fun l -> "- " + l) |> String.concat "\n")
        | _ -> ""
