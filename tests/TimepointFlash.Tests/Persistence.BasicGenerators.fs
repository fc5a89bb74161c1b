/// FsCheck generators of text, temporal points and the first agent outputs, already in the normal form the
/// decoders produce (trimmed non-blank text, lower-cased enumerations), so encode then decode is the identity.
module TimepointFlash.Tests.Persistence.BasicGenerators

open System
open FsCheck
open FsCheck.FSharp
open TimepointFlash

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

let opt g = Gen.optionOf g
let texts = Gen.listOf text |> Gen.map (List.truncate 4)
let unit01 = Gen.choose (0, 1000) |> Gen.map (fun i -> float i / 1000.0)

let year = Gen.oneof [ Gen.choose (-10000, -1); Gen.choose (1, 3000) ]

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
