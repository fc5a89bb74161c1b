/// FsCheck generators of timepoints with arbitrary agent outputs, already in the normal form the decoders produce
/// (trimmed non-blank text, lower-cased enumerations, at most 8 characters / 7 dialog lines / 4 speakers), so a
/// write followed by a read must give back the same value.
module TimepointFlash.Tests.Persistence.Generators

open System
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Persistence

let private glyphs = [|
    "a"
    "b"
    "z"
    "Q"
    "0"
    "7"
    "é"
    "ü"
    "ß"
    "Ø"
    "中"
    "文"
    "😀"
    "\""
    "\\"
    "'"
    "<"
    "&"
    "%"
    "_"
    "-"
    "{"
|]

let private word = gen {
    let! n = Gen.choose (1, 6)
    let! parts = Gen.arrayOfLength n (Gen.elements glyphs)
    return String.Concat parts
}

/// Non-blank text without surrounding whitespace (what Decode.nonBlank and Decode.text keep).
let text = gen {
    let! n = Gen.choose (1, 5)
    let! ws = Gen.listOfLength n word
    let! sep = Gen.elements [ " "; " "; "\n" ]
    return String.Join(sep, ws)
}

/// Lower-case text (fields the decoders lower-case).
let lowerText = text |> Gen.map (fun s -> s.ToLowerInvariant())

let private opt g = Gen.optionOf g
let private texts = Gen.listOf text |> Gen.map (List.truncate 4)
let private unit01 = Gen.choose (0, 1000) |> Gen.map (fun i -> float i / 1000.0)

let private year = Gen.oneof [ Gen.choose (-10000, -1); Gen.choose (1, 3000) ]

let private season =
    Gen.elements [ Season.Spring; Season.Summer; Season.Fall; Season.Winter ]

let private timeOfDay =
    Gen.elements [
        TimeOfDay.Dawn
        TimeOfDay.Morning
        TimeOfDay.Midday
        TimeOfDay.Afternoon
        TimeOfDay.Evening
        TimeOfDay.Dusk
        TimeOfDay.Night
        TimeOfDay.Midnight
    ]

/// A point whose components are contiguous.
let point = gen {
    let! y = year
    let! month = opt (Gen.choose (1, 12))
    let! day = opt (Gen.choose (1, 31))
    let! hour = opt (Gen.choose (0, 23))
    let! minute = opt (Gen.choose (0, 59))
    let! second = opt (Gen.choose (0, 59))
    let day = month |> Option.bind (fun _ -> day)
    let hour = day |> Option.bind (fun _ -> hour)
    let minute = hour |> Option.bind (fun _ -> minute)
    let second = minute |> Option.bind (fun _ -> second)
    let! s = opt season
    let! tod = opt timeOfDay
    let! era = opt text
    let! hemisphere = opt (Gen.elements [ Hemisphere.Northern; Hemisphere.Southern ])
    let! calendar = Gen.elements [ Calendar.Historical; Calendar.Julian; Calendar.Gregorian ]

    return {
        Year = y
        Month = month
        Day = day
        Hour = hour
        Minute = minute
        Second = second
        Season = s
        TimeOfDay = tod
        Era = era
        Hemisphere = hemisphere
        Calendar = calendar
    }
}

let judge = gen {
    let! valid = Gen.elements [ true; false ]
    let! qt = Gen.elements QueryType.all
    let! cleaned = Gen.oneof [ Gen.constant ""; text ]
    let! confidence = unit01
    let! reason = opt text
    let! suggested = opt text
    let! detected = opt year
    let! location = opt text
    let! figures = texts

    return {
        IsValid = valid
        QueryType = qt
        CleanedQuery = cleaned
        Confidence = confidence
        Reason = reason
        SuggestedQuery = suggested
        DetectedYear = detected
        DetectedLocation = location
        DetectedFigures = figures
    }
}

let timeline = gen {
    let! p = point
    let! location = text
    let! context = opt text
    let! approx = Gen.elements [ true; false ]
    let! confidence = unit01

    return {
        TimelineData.Year = p.Year
        Month = p.Month
        Day = p.Day
        Hour = p.Hour
        Minute = p.Minute
        Season = p.Season
        TimeOfDay = p.TimeOfDay
        Location = location
        Era = p.Era
        HistoricalContext = context
        IsApproximate = approx
        Confidence = confidence
    }
}

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
                let! sense = lowerText
                let! d = text
                let! i = text

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
    let! tension = lowerText
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
    let! arc = lowerText
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
    let! required = Gen.listOfLength 5 text
    let! optional = Gen.listOfLength 3 (opt text)
    let! lists = Gen.listOfLength 4 texts

    return {
        ShotType = required[0]
        Angle = required[1]
        FocalPoint = required[2]
        SecondaryFocus = optional[0]
        DepthOfField = required[3]
        Movement = optional[1]
        CompositionRule = required[4]
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
        let! kind = lowerText
        let! tension = lowerText
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
    let! ip = opt imagePrompt
    let! imageError = opt text

    let! error =
        opt (
            gen {
                let! step = opt (Gen.elements Step.all)
                let! message = text
                let! suggested = opt text

                return
                    ({
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
        Judge = j
        Timeline = tl
        Scene = sc
        Characters = cs
        Moment = m
        Dialog = d
        Camera = c
        Graph = g
        ImagePrompt = ip
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
