// Temporal algebra from FSI. Build first (./scripts/test.sh or dotnet build -c Release), then:
//   dotnet fsi scripts/temporal.fsx
// Exits non-zero when a result differs from the expected one (./scripts/test.sh runs it).
#r "../src/TimepointFlash.Core/bin/Release/net10.0/TimepointFlash.Core.dll"

open TimepointFlash

let mutable failures = 0

let check (label: string) (expected: 'T) (actual: 'T) =
    if actual = expected then
        printfn "ok   %s = %A" label actual
    else
        failures <- failures + 1
        printfn "FAIL %s: expected %A, got %A" label expected actual

// The README snippet, verbatim.
let p = Temporal.parse "March 15, 44 BCE"          // Result<TemporalPoint, TemporalError>
let q = p |> Result.bind (Temporal.step 1 TimeUnit.Day)
q |> Result.map Temporal.format                      // Ok "March 16, 44 BCE"

check "March 15, 44 BCE + 1 day" (Ok "March 16, 44 BCE") (q |> Result.map Temporal.format)

let get r =
    match r with
    | Ok v -> v
    | Error e -> failwithf "unexpected error %A" e

// daysBetween: whole days from a to b.
let a = get (Temporal.parse "July 4, 1776")
let b = get (Temporal.parse "1969-07-20")
check "days from July 4, 1776 to July 20, 1969" 70507L (Temporal.daysBetween a b)

let ides = get (Temporal.ymd -44 3 15)
let yearLater = get (Temporal.step 365 TimeUnit.Day ides)
check "44 BCE (not leap) + 365 days" "March 15, 43 BCE" (Temporal.format yearLater)
check "daysBetween the two" 365L (Temporal.daysBetween ides yearLater)

// Month-end clamping: Jan 31 + 1 month.
let jan31 = get (Temporal.ymd 2023 1 31)
check "January 31, 2023 + 1 month" (Ok "February 28, 2023 CE") (Temporal.step 1 TimeUnit.Month jan31 |> Result.map Temporal.format)
check "January 31, 2024 + 1 month" (Ok "February 29, 2024 CE") (Temporal.ymd 2024 1 31 |> Result.bind (Temporal.step 1 TimeUnit.Month) |> Result.map Temporal.format)

// The BCE/CE boundary has no year 0.
check "December 31, 1 BCE + 1 day" (Ok "January 1, 1 CE") (Temporal.ymd -1 12 31 |> Result.bind (Temporal.step 1 TimeUnit.Day) |> Result.map Temporal.format)
check "1 BCE + 1 year" (Ok "1 CE") (Temporal.create -1 |> Result.bind (Temporal.step 1 TimeUnit.Year) |> Result.map Temporal.format)
check "year 0" (Error TemporalError.YearZero) (Temporal.create 0)

// The Gregorian reform: 1582-10-04 is followed by 1582-10-15.
check "October 4, 1582 + 1 day" (Ok "October 15, 1582 CE") (Temporal.ymd 1582 10 4 |> Result.bind (Temporal.next 1 TimeUnit.Day) |> Result.map Temporal.format)
check "October 10, 1582" (Error(TemporalError.InReformGap(1582, 10, 10))) (Temporal.ymd 1582 10 10)

// Parts of the day and eras.
let afternoon = get (Temporal.parse "July 4, 1776 CE (afternoon)")
check "formatLong" "July 4, 1776 CE (afternoon)" (Temporal.formatLong afternoon)
check "+2 hours from the afternoon" (Ok "July 4, 1776 CE 17:00 (dusk)") (Temporal.step 2 TimeUnit.Hour afternoon |> Result.map Temporal.formatLong)
check "era of 1776" "Early Modern" (Temporal.eraOf 1776)
check "unit parsing" (Ok TimeUnit.Week) (TimeUnit.parse "Weeks")
check "end of range" (Error(TemporalError.YearOutOfRange 3001)) (Temporal.ymd 3000 12 31 |> Result.bind (Temporal.step 1 TimeUnit.Day))

// Local calendars: the place's own calendar, its switch, dual years and the calendars of the world.
let petrograd = get (Temporal.inPlace "Petrograd" (get (Temporal.ymd 1917 10 25)))
check "Petrograd, 25 October 1917" "25 October 1917 (Old Style) · 7 November 1917 (New Style)" (Temporal.displayLocal petrograd)
check "its weekday" (Some "Wednesday") (Temporal.calendars petrograd).Weekday

let london = get (Temporal.parseIn "London" "2 September 1752")
check "London, 2 September 1752 + 1 day" (Ok "14 September 1752") (Temporal.stepLocal 1 TimeUnit.Day london |> Result.map Temporal.displayLocal)

let charles = get (Temporal.parseIn "Whitehall, London" "30 January 1648/9")
check "Charles I's dual year" (Some "1648/9") (Temporal.calendars charles).DualYear
check "Rome, 15 March 44 BCE in AUC" (Some 710) (Temporal.calendars (get (Temporal.parseIn "Rome" "15 March 44 BCE"))).Auc
check "Tokyo, 8 January 1989" (Some("Heisei", 1)) (Temporal.calendars (get (Temporal.parseIn "Tokyo" "1989-01-08"))).JapaneseEra

if failures > 0 then
    failwithf "%d temporal example(s) failed" failures

printfn "all temporal examples hold"
