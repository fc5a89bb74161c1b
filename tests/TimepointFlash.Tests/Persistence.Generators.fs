/// FsCheck generators of whole timepoints with arbitrary agent outputs: a write followed by a read must give back
/// the same value.
module TimepointFlash.Tests.Persistence.Generators

open System
open FsCheck
open FsCheck.FSharp
open TimepointFlash

open TimepointFlash.Tests.Persistence.BasicGenerators
open TimepointFlash.Tests.Persistence.AgentGenerators

/// A UTC instant at microsecond precision between 1970 and 2100.
let instant = gen {
    let! seconds = Gen.choose (0, Int32.MaxValue)
    let! micros = Gen.choose (0, 999_999)

    let ticks =
        DateTimeOffset.UnixEpoch.Ticks
        + int64 seconds * 20_000_000L
        + int64 micros * 10L

    return DateTimeOffset(ticks, TimeSpan.Zero)
}

/// A number in [lo, hi] with two decimals (exact through JSON).
let private within (lo: float) (hi: float) =
    Gen.choose (int (lo * 100.0), int (hi * 100.0))
    |> Gen.map (fun n -> float n / 100.0)

/// An identifier-like text (model ids, preset names).
let private ident =
    Gen.elements [
        "hyper"
        "gemini-2.5-flash"
        "meta-llama/llama-4-scout"
        "google/gemini-3-pro-preview"
        "x"
    ]

/// Arbitrary request parameters, each within its documented range.
let llmParams = gen {
    let! temperature = opt (within 0.0 2.0)
    let! maxTokens = opt (Gen.choose (1, 32768))
    let! topP = opt (within 0.0 1.0)
    let! topK = opt (Gen.choose (1, 500))
    let! frequency = opt (within -2.0 2.0)
    let! presence = opt (within -2.0 2.0)
    let! repetition = opt (within 0.0 2.0)
    let! stop = Gen.listOfLength 2 text |> Gen.map (List.filter (fun s -> s.Trim() <> ""))
    let! thinking = opt (Gen.elements ThinkingLevel.all)
    let! prefix = opt (Gen.elements [ "Be brief."; "Answer in plain English." ])
    let! suffix = opt (Gen.elements [ "Cite nothing."; "No lists." ])

    return {
        Temperature = temperature
        MaxTokens = maxTokens
        TopP = topP
        TopK = topK
        FrequencyPenalty = frequency
        PresencePenalty = presence
        RepetitionPenalty = repetition
        Stop = stop
        Thinking = thinking
        SystemPromptPrefix = prefix
        SystemPromptSuffix = suffix
    }
}

/// An arbitrary generation control.
let control = gen {
    let! preset = opt ident
    let! text = opt ident
    let! image = opt ident
    let! policy = Gen.elements [ ModelPolicy.Any; ModelPolicy.Permissive ]
    let! p = llmParams
    let! grounding = opt (Gen.elements GroundingMode.all)

    return {
        Preset = preset
        TextModel = text
        ImageModel = image
        Policy = policy
        Params = p
        Grounding = grounding
    }
}

/// An arbitrary provenance.
let provenance = gen {
    let! preset = ident
    let! text = opt ident
    let! image = opt ident
    let! provider = opt (Gen.elements [ "gemini"; "openrouter"; "offline" ])
    let! ms = opt (Gen.choose (0, Int32.MaxValue) |> Gen.map int64)

    return {
        PresetUsed = preset
        TextModelUsed = text
        ImageModelUsed = image
        ModelProvider = provider
        GenerationTimeMs = ms
    }
}

/// A timepoint with every column filled arbitrarily (no parent, no image: the tests add those).
let timepoint = gen {
    let! query = text
    let! status = Gen.elements TimepointStatus.all
    let! generateImage = Gen.elements [ true; false ]
    let! p = opt point
    let! location = opt text
    let! j = opt judge
    let! tl = opt timeline
    let! sc = opt scene
    let! cs = opt characters
    let! m = opt moment
    let! d = opt dialog
    let! c = opt camera
    let! g = opt graph
    let! cr = opt critique
    let! ip = opt imagePrompt
    let! imageError = opt text
    let! ctl = control
    let! prov = opt provenance

    let! error =
        opt (
            gen {
                let! kind = Gen.elements FailureKind.all
                let! providerKind = opt (Gen.elements ProviderErrorKind.all)
                let! step = opt (Gen.elements Steps.all)
                let! message = text
                let! suggested = opt text

                return
                    ({
                        Kind = kind
                        ProviderKind = providerKind
                        Step = step
                        Message = message
                        SuggestedQuery = suggested
                    }
                    : GenerationError)
            }
        )

    let! created = instant
    let! updated = instant
    let id = Guid.NewGuid()

    return {
        Id = id
        Query = query
        Slug = $"t-{id:N}"
        Status = status
        GenerateImage = generateImage
        Point = p
        Location = location
        Outputs =
            Outputs.empty
            |> Outputs.set JudgeResult.key j
            |> Outputs.set TimelineData.key tl
            |> Outputs.set SceneData.key sc
            |> Outputs.set CharacterData.key cs
            |> Outputs.set MomentData.key m
            |> Outputs.set DialogData.key d
            |> Outputs.set CameraData.key c
            |> Outputs.set GraphData.key g
            |> Outputs.set CritiqueData.key cr
            |> Outputs.set ImagePromptData.key ip
        HasImage = false
        ImageError = imageError
        Error = error
        ParentId = None
        Control = ctl
        Provenance = prov
        CreatedAt = created
        UpdatedAt = updated
    }
}

/// Arbitraries passed through FsCheckConfig.arbitrary.
type PersistenceArbitraries =
    static member Timepoint() = Arb.fromGen timepoint
