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

    let! error =
        opt (
            gen {
                let! kind = Gen.elements FailureKind.all
                let! step = opt (Gen.elements Steps.all)
                let! message = text
                let! suggested = opt text

                return
                    ({
                        Kind = kind
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
        CreatedAt = created
        UpdatedAt = updated
    }
}

/// Arbitraries passed through FsCheckConfig.arbitrary.
type PersistenceArbitraries =
    static member Timepoint() = Arb.fromGen timepoint
