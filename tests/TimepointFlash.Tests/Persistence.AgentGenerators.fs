/// FsCheck generators of the remaining agent outputs in decoder normal form (at most 8 characters with distinct
/// names, 7 dialog lines from at most 4 speakers).
module TimepointFlash.Tests.Persistence.AgentGenerators

open System
open FsCheck
open FsCheck.FSharp
open TimepointFlash

open TimepointFlash.Tests.Persistence.BasicGenerators

/// Any case of a closed vocabulary.
let word (v: Vocabulary<'T>) = Gen.elements (Vocabulary.all v)

let scene = gen {
    let! setting = text
    let! atmosphere = text
    let! weather = opt text
    let! lighting = opt text
    let! temperature = opt text
    let! architecture = opt text
    let! objects = texts
    let! furniture = texts

    let! senses =
        Gen.listOf (
            gen {
                let! sense = word Sense.vocabulary
                let! d = text
                let! i = word Intensity.vocabulary

                return
                    ({
                        Sense = sense
                        Description = d
                        Intensity = i
                    }
                    : SensoryDetail)
            }
        )
        |> Gen.map (List.truncate 3)

    let! crowd = opt text
    let! social = opt text
    let! tension = word TensionLevel.vocabulary
    let! mood = opt text
    let! focal = opt text
    let! colors = texts

    return {
        Setting = setting
        Atmosphere = atmosphere
        Weather = weather
        Lighting = lighting
        Temperature = temperature
        Architecture = architecture
        Objects = objects
        Furniture = furniture
        SensoryDetails = senses
        CrowdDescription = crowd
        SocialDynamics = social
        TensionLevel = tension
        Mood = mood
        FocalPoint = focal
        ColorPalette = colors
    }
}

let private character (index: int) = gen {
    let! name = text
    let! role = Gen.elements [ CharacterRole.Primary; CharacterRole.Secondary; CharacterRole.Background ]
    let! description = text
    let! fields = Gen.listOfLength 7 (opt text)
    let! speaks = Gen.elements [ true; false ]
    let! voiceText = Gen.listOfLength 4 (opt text)
    let! born = Gen.choose (-3000, 2100) |> Gen.optionOf
    let! span = Gen.choose (0, 110) |> Gen.optionOf

    return {
        Name = $"{name} {index}"
        Role = role
        Description = description
        Clothing = fields[0]
        Expression = fields[1]
        Pose = fields[2]
        Action = fields[3]
        PositionInScene = fields[4]
        AgeDescription = fields[5]
        HistoricalNote = fields[6]
        SpeaksInScene = speaks
        Voice = {
            Personality = voiceText[0]
            SpeakingStyle = voiceText[1]
            VoiceNotes = voiceText[2]
            EmotionalState = voiceText[3]
            BirthYear = born
            DeathYear = Option.map2 (+) born span
        }
    }
}

let characters = gen {
    let! n = Gen.choose (1, 8)
    let! cast = [ 1..n ] |> List.map character |> Gen.sequenceToList
    let! focal = opt text
    let! dynamics = opt text
    let! note = opt text

    return {
        Characters = cast
        FocalCharacter = focal
        GroupDynamics = dynamics
        HistoricalAccuracyNote = note
    }
}

let moment = gen {
    let! plot = text
    let! before = opt text
    let! after = opt text
    let! stakes = Gen.oneof [ Gen.constant ""; text ]
    let! consequences = opt text
    let! arc = word TensionArc.vocabulary
    let! beats = texts
    let! more = Gen.listOfLength 4 (opt text)

    return {
        PlotSummary = plot
        BeforeContext = before
        AfterContext = after
        Stakes = stakes
        Consequences = consequences
        TensionArc = arc
        EmotionalBeats = beats
        ConflictType = more[0]
        CentralQuestion = more[1]
        DramaticIrony = more[2]
        HistoricalSignificance = more[3]
    }
}

let dialog = gen {
    let! speakerCount = Gen.choose (1, 4)

    let! speakers =
        [ 1..speakerCount ]
        |> List.map (fun i -> text |> Gen.map (fun s -> $"{s} {i}"))
        |> Gen.sequenceToList

    let! n = Gen.choose (1, 7)

    let line = gen {
        let! speaker = Gen.elements speakers
        let! said = text
        let! tone = opt text
        let! whispered = Gen.elements [ true; false ]
        let! rest = Gen.listOfLength 3 (opt text)

        return {
            Speaker = speaker
            Text = said
            Tone = tone
            IsWhispered = whispered
            Action = rest[0]
            Direction = rest[1]
            ResponseTo = rest[2]
        }
    }

    let! lines = Gen.listOfLength n line
    let! context = opt text
    let! style = opt text
    let! note = opt text

    return {
        Lines = lines
        SceneContext = context
        LanguageStyle = style
        HistoricalAccuracyNote = note
    }
}

let camera = gen {
    let! required = Gen.listOfLength 2 text
    let! shot = word ShotType.vocabulary
    let! angle = word CameraAngle.vocabulary
    let! depth = word DepthOfField.vocabulary
    let! optional = Gen.listOfLength 3 (opt text)
    let! lists = Gen.listOfLength 4 texts

    return {
        ShotType = shot
        Angle = angle
        FocalPoint = required[0]
        SecondaryFocus = optional[0]
        DepthOfField = depth
        Movement = optional[1]
        CompositionRule = required[1]
        LeadingLines = lists[0]
        ForegroundElements = lists[1]
        MidgroundElements = lists[2]
        BackgroundElements = lists[3]
        FramingIntent = optional[2]
    }
}

let graph = gen {
    let relationship = gen {
        let! a = text
        let! b = text
        let! kind = word RelationshipType.vocabulary
        let! tension = word RelationshipTension.vocabulary
        let! d = opt text

        return {
            FromCharacter = a
            ToCharacter = b
            RelationshipType = kind
            TensionLevel = tension
            Description = d
        }
    }

    let faction = gen {
        let! name = text
        let! members = texts
        let! goal = opt text

        return
            ({
                Name = name
                Members = members
                Goal = goal
            }
            : Faction)
    }

    let! rs = Gen.listOf relationship |> Gen.map (List.truncate 3)
    let! fs = Gen.listOf faction |> Gen.map (List.truncate 2)
    let! power = opt text
    let! conflict = opt text
    let! alliances = texts
    let! rivalries = texts
    let! context = opt text

    return {
        Relationships = rs
        Factions = fs
        PowerDynamics = power
        CentralConflict = conflict
        Alliances = alliances
        Rivalries = rivalries
        HistoricalContext = context
    }
}

let imagePrompt = gen {
    let! prompt = text
    let! style = text
    let! ratio = Gen.elements ImagePromptData.aspectRatios
    let! optional = Gen.listOfLength 8 (opt text)
    let! placements = texts
    let! tags = texts

    return {
        FullPrompt = prompt
        Style = style
        Medium = optional[0]
        AspectRatio = ratio
        CompositionNotes = optional[1]
        CameraAngle = optional[2]
        FocalLength = optional[3]
        CharacterPlacements = placements
        LightingDirection = optional[4]
        ColorGuidance = optional[5]
        QualityTags = tags
        HistoricalAccuracy = optional[6]
        NegativePrompt = optional[7]
    }
}

let critique = gen {
    let! n = Gen.choose (0, 4)

    let issue = gen {
        let! severity = Gen.elements (CritiqueData.severities |> List.map fst)
        let! category = Gen.elements (CritiqueData.categories |> List.map fst)
        let! field = text
        let! quote = opt text
        let! description = text

        return {
            Severity = severity
            Category = category
            Field = field
            Quote = quote
            Description = description
        }
    }

    let! issues = Gen.listOfLength n issue
    let! instructions = opt text
    let! revised = Gen.elements [ true; false ]

    return {
        Issues = issues
        HasCritical = issues |> List.exists (fun i -> i.Severity = Severity.Critical)
        RevisionInstructions = instructions
        Revised = revised
    }
}
