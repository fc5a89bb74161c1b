namespace TimepointFlash.Api

open Giraffe.ViewEngine
open TimepointFlash

/// The scene's date as its place wrote it, both styles when it was Old Style, and the other calendars.
[<RequireQualifiedAccess>]
module CalendarTable =
    /// "25 October 1917 (Old Style) · 7 November 1917 (New Style)" under the heading for an Old Style date, then a small table of the
    /// other calendars (Julian, Gregorian, JDN, weekday, AUC, Hijri, Hebrew, Japanese era); nothing without a date.
    let section (t: Timepoint) =
        match t.Point |> Option.map (PlaceCalendar.localize t.Location) with
        | Some(Ok lp) ->
            let view = CalendarsView.ofLocal lp

            [
                if LocalCalendar.isOldStyle lp then
                    // The date alone: the heading above already gives the time.
                    let day = {
                        lp with
                            Point = {
                                lp.Point with
                                    Hour = None
                                    Minute = None
                                    Second = None
                            }
                    }

                    p [ _class "meta calendar-styles"; _id "calendar-styles" ] [ str (LocalCalendar.bothStyles day) ]
                match CalendarsView.rows view with
                | [] -> ()
                | rows ->
                    details [ _class "card"; _id "calendars" ] [
                        summary [] [ str $"Other calendars · {lp.Region.Name}" ]
                        dl
                            [ _class "facts" ]
                            (rows
                             |> List.collect (fun (label, text) -> [ dt [] [ str label ]; dd [] [ str text ] ]))
                    ]
            ]
        | _ -> []
