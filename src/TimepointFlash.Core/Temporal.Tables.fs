namespace TimepointFlash

/// The lookup tables of the temporal model: seasons by month and hemisphere, parts of the day by hour
/// (and the representative hour of each), and eras by year. Every band is half-open: [from, to).
[<RequireQualifiedAccess>]
module TemporalTables =
    /// Meteorological season of a month (1..12) in the hemisphere; None for a month outside 1..12.
    /// Northern: Dec-Feb winter, Mar-May spring, Jun-Aug summer, Sep-Nov fall; southern is the opposite.
    let seasonOf (hemisphere: Hemisphere) (month: int) : Season option =
        let northern =
            match month with
            | 12
            | 1
            | 2 -> Some Season.Winter
            | 3
            | 4
            | 5 -> Some Season.Spring
            | 6
            | 7
            | 8 -> Some Season.Summer
            | 9
            | 10
            | 11 -> Some Season.Fall
            | _ -> None

        match hemisphere with
        | Hemisphere.Northern -> northern
        | Hemisphere.Southern ->
            northern
            |> Option.map (function
                | Season.Winter -> Season.Summer
                | Season.Spring -> Season.Fall
                | Season.Summer -> Season.Winter
                | Season.Fall -> Season.Spring)

    /// Part of the day by hour bands, in clock order: [0,1) midnight, [1,5) night, [5,7) dawn, [7,12) morning,
    /// [12,13) midday, [13,17) afternoon, [17,19) dusk, [19,21) evening, [21,24) night.
    let hourBands = [
        0, 1, TimeOfDay.Midnight
        1, 5, TimeOfDay.Night
        5, 7, TimeOfDay.Dawn
        7, 12, TimeOfDay.Morning
        12, 13, TimeOfDay.Midday
        13, 17, TimeOfDay.Afternoon
        17, 19, TimeOfDay.Dusk
        19, 21, TimeOfDay.Evening
        21, 24, TimeOfDay.Night
    ]

    /// Part of the day of an hour (0..23); None for an hour outside 0..23.
    let timeOfDayOf (hour: int) : TimeOfDay option =
        hourBands
        |> List.tryFind (fun (from, until, _) -> hour >= from && hour < until)
        |> Option.map (fun (_, _, t) -> t)

    /// The hour used when a step needs an hour and only the part of the day is known; it lies in its own band.
    let representativeHour =
        function
        | TimeOfDay.Midnight -> 0
        | TimeOfDay.Dawn -> 6
        | TimeOfDay.Morning -> 9
        | TimeOfDay.Midday -> 12
        | TimeOfDay.Afternoon -> 15
        | TimeOfDay.Dusk -> 18
        | TimeOfDay.Evening -> 20
        | TimeOfDay.Night -> 22

    /// The hour used when a step needs an hour and neither hour nor part of the day is known.
    let defaultHour = 12

    /// Era bands by historical year, half-open [from, to); the first has no lower and the last no upper bound.
    let eraBands = [
        System.Int32.MinValue, -3000, "Ancient"
        -3000, -500, "Ancient Civilizations"
        -500, 500, "Classical Antiquity"
        500, 1500, "Medieval"
        1500, 1800, "Early Modern"
        1800, 1900, "19th Century"
        1900, 2000, "20th Century"
        2000, System.Int32.MaxValue, "Contemporary"
    ]

    /// Era name of a historical year (-44 = 44 BCE), e.g. 1776 -> "Early Modern", 500 -> "Medieval".
    let eraOf (year: int) : string =
        eraBands
        |> List.tryFind (fun (from, until, _) -> year >= from && year < until)
        |> Option.map (fun (_, _, name) -> name)
        |> Option.defaultValue "Contemporary"
