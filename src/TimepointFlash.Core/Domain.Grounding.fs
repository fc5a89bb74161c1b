namespace TimepointFlash

open FsToolkit.ErrorHandling

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
    /// Reads a source; a blank title falls back to the address.
    let decoder: Decoder<GroundingSource> =
        fun path el -> validation {
            let! url = Decode.field "url" Decode.nonBlank path el
            and! title = Decode.text "title" path el

            return {
                Title = title |> Option.defaultValue url
                Url = url
            }
        }

    /// Wire form.
    let encode (s: GroundingSource) =
        Encode.obj [ "title", Encode.string s.Title; "url", Encode.string s.Url ]

    /// True for an address a page may link to (http or https); anything else is shown as text.
    let isLinkable (s: GroundingSource) =
        s.Url.StartsWith("https://", System.StringComparison.OrdinalIgnoreCase)
        || s.Url.StartsWith("http://", System.StringComparison.OrdinalIgnoreCase)

[<RequireQualifiedAccess>]
module GroundingData =
    let private names name : Decoder<string list> =
        Decode.listOrEmpty name Decode.string
        |> Decode.map (List.map (fun s -> s.Trim()) >> List.filter (fun s -> s <> ""))

    /// Reads and validates a grounding answer (blank names and facts are dropped).
    let decoder: Decoder<GroundingData> =
        fun path el -> validation {
            let! date = Decode.text "verified_date" path el
            and! location = Decode.text "verified_location" path el
            and! participants = names "participants" path el
            and! facts = names "facts" path el
            and! sources = Decode.listOrEmpty "sources" GroundingSource.decoder path el
            and! confidence = Decode.withDefault "confidence" 0.5 (Decode.floatRange 0.0 1.0) path el

            return {
                VerifiedDate = date
                VerifiedLocation = location
                Participants = participants
                Facts = facts
                Sources = sources |> List.distinctBy (fun s -> s.Url)
                Confidence = confidence
            }
        }

    /// Wire form.
    let encode (g: GroundingData) =
        Encode.obj [
            "verified_date", Encode.opt Encode.string g.VerifiedDate
            "verified_location", Encode.opt Encode.string g.VerifiedLocation
            "participants", Encode.list Encode.string g.Participants
            "facts", Encode.list Encode.string g.Facts
            "sources", Encode.list GroundingSource.encode g.Sources
            "confidence", Encode.float g.Confidence
        ]

    /// Where the output is kept (metadata.grounding, and top-level `grounding`).
    let key = OutputKey.create "grounding" encode decoder

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
