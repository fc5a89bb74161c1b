namespace TimepointFlash

/// A source a grounding cites.
type GroundingSource = { Title: string; Url: string }

/// What a provider's web search contributed to one answer: the queries it ran and the pages it cited
/// (Gemini `groundingMetadata`, OpenRouter `url_citation` annotations).
type SearchEvidence = {
    Queries: string list
    Sources: GroundingSource list
}

/// Whether the configured text provider can check facts against sources, and how.
[<RequireQualifiedAccess>]
type SearchSupport =
    /// It searches when asked: the provider and its method ("google_search", "web_plugin", "curated").
    | Searches of provider: string * method: string
    /// It cannot search: the provider and why.
    | NoSearch of provider: string * reason: string

/// How grounding went for one generation.
[<RequireQualifiedAccess>]
type GroundingState =
    /// The step ran and its findings are stored.
    | Grounded
    /// The step did not run because the provider cannot search (`auto`).
    | Skipped
    /// The step ran and failed, or `on` was asked of a provider that cannot search; the scene is unverified.
    | Failed
    /// Grounding was switched off.
    | Off
    /// The judge did not class the query as a real event.
    | NotApplicable

/// What a generation records about its grounding: the mode it ran under, what happened and why.
type GroundingStatus = {
    Mode: GroundingMode
    State: GroundingState
    Provider: string option
    Method: string option
    Reason: string option
    /// The searches the provider ran, when it reported them.
    Queries: string list
}

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

    /// The findings with a search's evidence: the pages the provider really cited replace the sources the model
    /// listed (a model may misremember an address); without cited pages the model's list stays.
    let withEvidence (evidence: SearchEvidence option) (g: GroundingData) =
        match evidence with
        | Some e when not e.Sources.IsEmpty -> {
            g with
                Sources = e.Sources |> List.distinctBy (fun s -> s.Url)
          }
        | _ -> g

[<RequireQualifiedAccess>]
module GroundingState =
    /// Every state.
    let all = [
        GroundingState.Grounded
        GroundingState.Skipped
        GroundingState.Failed
        GroundingState.Off
        GroundingState.NotApplicable
    ]

    /// Wire name.
    let name =
        function
        | GroundingState.Grounded -> "grounded"
        | GroundingState.Skipped -> "skipped"
        | GroundingState.Failed -> "failed"
        | GroundingState.Off -> "off"
        | GroundingState.NotApplicable -> "not_applicable"

    /// Reads a wire name.
    let decoder: Decoder<GroundingState> =
        fun path el ->
            let text =
                if el.ValueKind = System.Text.Json.JsonValueKind.String then
                    el.GetString()
                else
                    ""

            match all |> List.tryFind (fun s -> name s = text) with
            | Some s -> Ok s
            | None ->
                let allowed = all |> List.map name |> String.concat ", "
                Decode.fail path $"must be one of {allowed}"

[<RequireQualifiedAccess>]
module GroundingStatus =
    /// A status without provider, method or queries.
    let of' mode state (reason: string option) = {
        Mode = mode
        State = state
        Provider = None
        Method = None
        Reason = reason
        Queries = []
    }

    /// The status of a step that did not run (off, not a real event, or `auto` on a provider that cannot search).
    let notRun (mode: GroundingMode) (support: SearchSupport) (realEvent: bool) =
        match mode, support with
        | GroundingMode.Off, _ -> of' mode GroundingState.Off (Some "grounding is off for this generation")
        | _ when not realEvent -> of' mode GroundingState.NotApplicable (Some "the query is not about a real event")
        | _, SearchSupport.NoSearch(provider, reason) -> {
            of' mode GroundingState.Skipped (Some reason) with
                Provider = Some provider
          }
        | _, SearchSupport.Searches(provider, method) -> {
            of' mode GroundingState.Skipped (Some "the grounding step did not run") with
                Provider = Some provider
                Method = Some method
          }

    /// The status with the run's mode, and the provider and method where the step was due (grounded, skipped or
    /// failed).
    let complete (mode: GroundingMode) (support: SearchSupport) (s: GroundingStatus) =
        let due =
            s.State = GroundingState.Grounded
            || s.State = GroundingState.Skipped
            || s.State = GroundingState.Failed

        let provider, method =
            match support with
            | SearchSupport.Searches(p, m) -> p, Some m
            | SearchSupport.NoSearch(p, _) -> p, None

        {
            s with
                Mode = mode
                Provider =
                    if due then
                        s.Provider |> Option.orElse (Some provider)
                    else
                        s.Provider
                Method = if due then s.Method |> Option.orElse method else s.Method
        }

    let private vocabulary (all: 'T list) (name: 'T -> string) =
        Vocabulary.create (all |> List.map (fun x -> x, name x)) [] None
        |> Vocabulary.codec

    /// The status's one definition (stored by the pipeline, never asked of a model).
    let codec: Codec<GroundingStatus> =
        Codec.record (fun mode state provider method reason queries -> {
            Mode = mode
            State = state
            Provider = provider
            Method = method
            Reason = reason
            Queries = queries
        })
        |> Codec.required "mode" (fun s -> s.Mode) (vocabulary GroundingMode.all GroundingMode.name)
        |> Codec.required "state" (fun s -> s.State) (vocabulary GroundingState.all GroundingState.name)
        |> Codec.optional "provider" (fun s -> s.Provider) Codec.label
        |> Codec.optional "method" (fun s -> s.Method) Codec.label
        |> Codec.optional "reason" (fun s -> s.Reason) Codec.guidance
        |> Codec.defaulted "queries" (fun s -> s.Queries) [] (Codec.list None Codec.label)
        |> Codec.seal

    /// Wire form.
    let encode = codec.Encode

    /// Reads the stored form.
    let decoder = codec.Decoder

    /// Where it is kept (metadata.grounding_status, and top-level `grounding_status`).
    let key = OutputKey.ofCodec "grounding_status" codec
