module TimepointFlash.Tests.Temporal

open Expecto
open TimepointFlash

let tests =
    testList "Temporal" [
        test "a negative year is BCE" {
            let p = {
                Year = -44
                Month = None
                Day = None
                Hour = None
                Minute = None
                Second = None
                Season = None
                TimeOfDay = None
                Era = None
                Hemisphere = None
                Calendar = Calendar.Historical
            }

            Expect.isTrue (Temporal.isBce p) "-44 is 44 BCE"
        }
    ]
