namespace TimepointFlash

/// How the judge classifies a query.
[<RequireQualifiedAccess>]
type QueryType =
    | Historical
    | Fictional
    | Speculative
    | Contemporary
    | Invalid

/// The judge's verdict on a query.
type JudgeResult = {
    IsValid: bool
    QueryType: QueryType
    CleanedQuery: string
    Confidence: float
    Reason: string option
    SuggestedQuery: string option
    DetectedYear: int option
    DetectedLocation: string option
    DetectedFigures: string list
}

[<RequireQualifiedAccess>]
module QueryType =
    /// Wire name.
    let name =
        function
        | QueryType.Historical -> "historical"
        | QueryType.Fictional -> "fictional"
        | QueryType.Speculative -> "speculative"
        | QueryType.Contemporary -> "contemporary"
        | QueryType.Invalid -> "invalid"

    /// Every value, in wire order.
    let all = [
        QueryType.Historical
        QueryType.Fictional
        QueryType.Speculative
        QueryType.Contemporary
        QueryType.Invalid
    ]

    /// The five kinds; an unknown kind is an error (the judge is asked again rather than guessed for).
    let vocabulary =
        Vocabulary.create
            (all |> List.map (fun q -> q, name q))
            [
                "history", QueryType.Historical
                "fiction", QueryType.Fictional
                "hypothetical", QueryType.Speculative
                "counterfactual", QueryType.Speculative
                "modern", QueryType.Contemporary
                "current", QueryType.Contemporary
            ]
            None

    /// Parses a wire name leniently (see Vocabulary.tryParse).
    let tryParse (s: string) = Vocabulary.tryParse vocabulary s

    /// Decoder for a query type.
    let decoder: Decoder<QueryType> = (Vocabulary.codec vocabulary).Decoder

[<RequireQualifiedAccess>]
module JudgeResult =
    /// The verdict used when the judge itself could not run.
    let failed reason = {
        IsValid = false
        QueryType = QueryType.Invalid
        CleanedQuery = ""
        Confidence = 0.0
        Reason = Some reason
        SuggestedQuery = None
        DetectedYear = None
        DetectedLocation = None
        DetectedFigures = []
    }

    /// The verdict's one definition (also for stored verdicts, which stay readable as they were written).
    let codec: Codec<JudgeResult> =
        Codec.record (fun isValid queryType cleaned confidence reason suggested year location figures -> {
            IsValid = isValid
            QueryType = queryType
            CleanedQuery = cleaned
            Confidence = confidence
            Reason = reason
            SuggestedQuery = suggested
            DetectedYear = year |> Option.filter (fun y -> y <> 0)
            DetectedLocation = location
            DetectedFigures = figures
        })
        |> Codec.required "is_valid" (fun j -> j.IsValid) Codec.bool
        |> Codec.fallback
            "query_type"
            (fun j -> j.QueryType)
            QueryType.Historical
            (Vocabulary.codec QueryType.vocabulary)
        |> Codec.fallback "cleaned_query" (fun j -> j.CleanedQuery) "" Codec.label
        |> Codec.fallback "confidence" (fun j -> j.Confidence) 0.8 (Codec.floatRange 0.0 1.0)
        |> Codec.optional "reason" (fun j -> j.Reason) Codec.label
        |> Codec.optional "suggested_query" (fun j -> j.SuggestedQuery) Codec.label
        |> Codec.optional "detected_year" (fun j -> j.DetectedYear) (Codec.intAbout (Some -10000) (Some 3000))
        |> Codec.optional "detected_location" (fun j -> j.DetectedLocation) Codec.label
        |> Codec.defaulted "detected_figures" (fun j -> j.DetectedFigures) [] (Codec.list (Some 10) Codec.label)
        |> Codec.seal

    /// Reads a judge answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Reads a model's verdict; an inconsistent one (invalid without a reason, valid but of kind invalid) is
    /// rejected so that the step retries rather than reporting a rejection nobody can explain.
    let verdictDecoder: Decoder<JudgeResult> =
        fun path el ->
            decoder path el
            |> Result.bind (fun j ->
                if not j.IsValid && j.Reason.IsNone then
                    Decode.fail $"{path}.reason" "an invalid verdict must give its reason"
                elif j.IsValid && j.QueryType = QueryType.Invalid then
                    Decode.fail $"{path}.query_type" "a valid verdict cannot be of kind invalid"
                else
                    Ok j)

    /// Where the output is kept (metadata.judge).
    let key = OutputKey.ofCodec "judge" codec
