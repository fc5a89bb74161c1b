module TimepointFlash.Tests.TemporalLawTests

open Expecto
open TimepointFlash
open TimepointFlash.Tests.TemporalGenerators

/// step (a + b) without int overflow.
let private stepSum (a: int) (b: int) unit p =
    TemporalAlgebra.stepBy (int64 a + int64 b) unit p

/// |n| clamped to at least 1 (Int32.MinValue has no positive twin).
let private positive (n: int) =
    if n = System.Int32.MinValue then
        System.Int32.MaxValue
    else
        max 1 (abs n)

let private isExact unit =
    TemporalAlgebra.precisionRank (Precision.ofUnit unit)
    >= TemporalAlgebra.precisionRank Precision.Day

let tests =
    testList "Laws" [
        property "step 0 is the identity for every point and unit" (fun (NormalPoint p) (unit: TimeUnit) ->
            Temporal.step 0 unit p = Ok p)

        property
            "day, week, hour, minute and second steps compose: step a then step b equals step (a + b)"
            (fun (ExactStep(p, unit)) (Count a) (Count b) ->
                match Temporal.step a unit p |> Result.bind (Temporal.step b unit) with
                | Ok r -> stepSum a b unit p = Ok r
                | Error _ -> true)

        property
            "on coarser points the first step anchors, then steps still compose when neither a nor a + b is 0"
            (fun (NormalPoint p) (unit: TimeUnit) (Count a) (Count b) ->
                let sum = int64 a + int64 b

                if not (isExact unit) || a = 0 || sum = 0L then
                    true
                else
                    match Temporal.step a unit p |> Result.bind (Temporal.step b unit) with
                    | Ok r -> stepSum a b unit p = Ok r
                    | Error _ -> true)

        property
            "day, week, hour, minute and second steps are undone by the opposite step"
            (fun (ExactStep(p, unit)) (Count n) ->
                match Temporal.next n unit p with
                | Ok q -> Temporal.prior n unit q = Ok p
                | Error _ -> true)

        property
            "month and year steps are undone by the opposite step when the day is at most 28"
            (fun (CalendarStep(p, unit)) (Count n) ->
                match Temporal.next n unit p with
                // A landing in the 1582 reform gap moves the day to the 15th: that step is not invertible.
                | Ok q when q.Day = p.Day -> Temporal.prior n unit q = Ok p
                | Ok _ -> p.Calendar = Calendar.Historical
                | Error _ -> true)

        property "month and year steps clamp the day to the target month's length" (fun (MonthEndStep(p, unit, n)) ->
            match Temporal.step n unit p with
            | Ok q ->
                let a = JulianDay.toAstronomical (int64 q.Year)
                let m = int64 q.Month.Value
                let length = int (JulianDay.monthLength q.Calendar a m)
                let clamped = min p.Day.Value length
                let gap = JulianDay.isInReformGap q.Calendar a m (int64 clamped)
                q.Day = Some(if gap then 15 else clamped) && Temporal.validate q = Ok q
            | Error(TemporalError.YearOutOfRange _) ->
                p.Year <= Temporal.minYear + 30 || p.Year >= Temporal.maxYear - 30
            | Error _ -> false)

        property "every step result is valid and never has year 0" (fun (NormalPoint p) (unit: TimeUnit) (Count n) ->
            match Temporal.step n unit p with
            | Ok q -> q.Year <> 0 && Temporal.validate q = Ok q
            | Error(TemporalError.YearOutOfRange _) -> true
            | Error _ -> false)

        property "a positive step moves strictly later" (fun (NormalPoint p) (unit: TimeUnit) (Count n) ->
            match Temporal.step (positive n) unit p with
            | Ok q -> Temporal.compare q p = 1
            | Error _ -> true)

        property
            "a negative step moves strictly earlier when the point is at least as precise as the unit"
            (fun (ExactStep(p, unit)) (Count n) ->
                match Temporal.step (-positive n) unit p with
                | Ok q -> Temporal.compare q p = -1
                | Error _ -> true)

        property "daysBetween p (step n days p) is n" (fun (NormalPoint p) (Count n) ->
            match Temporal.step n TimeUnit.Day p with
            | Ok q -> Temporal.daysBetween p q = int64 n
            | Error _ -> true)

        property "week steps are seven day steps" (fun (NormalPoint p) (Count n) ->
            let n = n / 7
            Temporal.step n TimeUnit.Week p = Temporal.step (n * 7) TimeUnit.Day p)

        property "compare agrees with daysBetween and is antisymmetric" (fun (NormalPoint a) (NormalPoint b) ->
            let days = Temporal.daysBetween a b

            (days = 0L || Temporal.compare a b = -(sign days))
            && Temporal.compare a b = -(Temporal.compare b a))

        property
            "Julian and Gregorian labels convert back to the historical label of the same day"
            (fun (NormalPoint p) ->
                match p.Day, Temporal.toJulianLabel p, Temporal.toGregorianLabel p with
                | None, j, g -> Result.isError j && Result.isError g
                | Some _, Ok j, Ok g ->
                    Temporal.daysBetween p j = 0L
                    && Temporal.daysBetween p g = 0L
                    && Temporal.toHistoricalLabel j = Temporal.toHistoricalLabel g
                    && (p.Calendar <> Calendar.Historical || Temporal.toHistoricalLabel g = Ok p)
                | Some _, _, _ -> p.Year < -9990 || p.Year > 2990)

        property
            "no public function throws for arbitrary ints, valid or not"
            (fun
                (AnyInt y)
                (AnyInt m)
                (AnyInt d)
                (AnyInt h)
                (AnyInt mi)
                (AnyInt s)
                (AnyInt n)
                (unit: TimeUnit)
                (shape: byte) ->
                let has bit v =
                    if int shape &&& bit <> 0 then Some v else None

                let p = {
                    TemporalAlgebra.empty y with
                        Month = has 1 m
                        Day = has 2 d
                        Hour = has 4 h
                        Minute = has 8 mi
                        Second = has 16 s
                        TimeOfDay = has 32 TimeOfDay.Night
                        Hemisphere = has 64 Hemisphere.Southern
                        Calendar =
                            match int shape % 3 with
                            | 0 -> Calendar.Historical
                            | 1 -> Calendar.Julian
                            | _ -> Calendar.Gregorian
                }

                let errors = [
                    Temporal.validate p
                    Temporal.normalize p
                    Temporal.create y
                    Temporal.ym y m
                    Temporal.ymd y m d
                    Temporal.ymdhm y m d h mi
                    Temporal.ymdhms y m d h mi s
                    Temporal.step n unit p
                    Temporal.next n unit p
                    Temporal.prior n unit p
                    Temporal.toGregorianLabel p
                    Temporal.toJulianLabel p
                    Temporal.toHistoricalLabel p
                    Temporal.parse (Temporal.format p)
                    Temporal.parse (Temporal.formatLong p)
                    Temporal.ofJson (Temporal.toJson p)
                ]

                let described =
                    errors
                    |> List.choose (function
                        | Error e -> Some(Temporal.describeError e)
                        | Ok _ -> None)

                let q = { p with Year = n }

                let values: obj list = [
                    Temporal.precision p
                    Temporal.isBce p
                    Temporal.displayYear p
                    Temporal.toJdn p
                    Temporal.daysBetween p q
                    Temporal.compare p q
                    Temporal.seasonOf Hemisphere.Northern m
                    Temporal.timeOfDayOf h
                    Temporal.eraOf y
                    TimeUnit.parse (string n)
                ]

                described |> List.forall (fun line -> line.Length > 0) && values.Length = 10)
    ]
