namespace TimepointFlash

open System.Text.Json.Nodes

/// TemporalPoint <-> JSON object with snake_case keys; absent components are null, names are lower-case.
[<RequireQualifiedAccess>]
module TemporalJson =
    /// Every key encode writes, in order.
    let keys = [
        "year"
        "month"
        "day"
        "hour"
        "minute"
        "second"
        "season"
        "time_of_day"
        "era"
        "hemisphere"
        "calendar"
    ]

    let private ofInt (v: int option) : JsonNode =
        match v with
        | Some x -> JsonValue.Create x
        | None -> null

    let private ofString (v: string option) : JsonNode =
        match v with
        | Some x -> JsonValue.Create x
        | None -> null

    /// The point as a JSON object: {"year": -44, "month": 3, ..., "season": "spring", "calendar": "historical"}.
    let encode (p: TemporalPoint) : JsonObject =
        let o = JsonObject()
        o["year"] <- JsonValue.Create p.Year
        o["month"] <- ofInt p.Month
        o["day"] <- ofInt p.Day
        o["hour"] <- ofInt p.Hour
        o["minute"] <- ofInt p.Minute
        o["second"] <- ofInt p.Second
        o["season"] <- ofString (p.Season |> Option.map Season.name)
        o["time_of_day"] <- ofString (p.TimeOfDay |> Option.map TimeOfDay.name)
        o["era"] <- ofString p.Era
        o["hemisphere"] <- ofString (p.Hemisphere |> Option.map Hemisphere.name)
        o["calendar"] <- JsonValue.Create(Calendar.name p.Calendar)
        o

    type private ResultBuilder() =
        member _.Bind(r: Result<'a, 'e>, f: 'a -> Result<'b, 'e>) = Result.bind f r
        member _.Return(x: 'a) : Result<'a, 'e> = Ok x

    let private result = ResultBuilder()

    let private node (o: JsonObject) (key: string) =
        let mutable n: JsonNode = null

        if o.TryGetPropertyValue(key, &n) && not (isNull n) then
            Some n
        else
            None

    let private optInt (o: JsonObject) (key: string) : Result<int option, TemporalError> =
        match node o key with
        | None -> Ok None
        | Some(:? JsonValue as v) ->
            match v.TryGetValue<int>() with
            | true, x -> Ok(Some x)
            | _ -> Error(TemporalError.InvalidField(key, "must be an integer"))
        | Some _ -> Error(TemporalError.InvalidField(key, "must be an integer"))

    let private optName (o: JsonObject) (key: string) (read: string -> Result<'a, TemporalError>) =
        match node o key with
        | None -> Ok None
        | Some(:? JsonValue as v) ->
            match v.TryGetValue<string>() with
            | true, s -> read s |> Result.map Some
            | _ -> Error(TemporalError.InvalidField(key, "must be a string"))
        | Some _ -> Error(TemporalError.InvalidField(key, "must be a string"))

    /// Reads a point written by encode (missing keys = null; "autumn" = fall; calendar defaults to historical)
    /// and validates it.
    let decode (o: JsonObject) : Result<TemporalPoint, TemporalError> =
        if isNull o then
            Error(TemporalError.InvalidField("$", "must be a JSON object"))
        else
            result {
                let! year = optInt o "year"
                let! month = optInt o "month"
                let! day = optInt o "day"
                let! hour = optInt o "hour"
                let! minute = optInt o "minute"
                let! second = optInt o "second"
                let! season = optName o "season" Season.parse
                let! timeOfDay = optName o "time_of_day" TimeOfDay.parse
                let! era = optName o "era" Ok
                let! hemisphere = optName o "hemisphere" Hemisphere.parse
                let! calendar = optName o "calendar" Calendar.parse

                let! y =
                    match year with
                    | Some y -> Ok y
                    | None -> Error(TemporalError.InvalidField("year", "is required"))

                let! point =
                    TemporalAlgebra.validate {
                        Year = y
                        Month = month
                        Day = day
                        Hour = hour
                        Minute = minute
                        Second = second
                        Season = season
                        TimeOfDay = timeOfDay
                        Era = era
                        Hemisphere = hemisphere
                        Calendar = defaultArg calendar Calendar.Historical
                    }

                return point
            }
