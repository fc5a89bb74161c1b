// Temporal algebra from FSI. Build first (./scripts/test.sh or dotnet build -c Release), then: dotnet fsi scripts/temporal.fsx
#r "../src/TimepointFlash.Core/bin/Release/net10.0/TimepointFlash.Core.dll"

open TimepointFlash

let p =
    { Year = -44; Month = Some 3; Day = Some 15; Hour = None; Minute = None; Second = None
      Season = None; TimeOfDay = None; Era = None; Hemisphere = None; Calendar = Calendar.Historical }

printfn "BCE: %b" (Temporal.isBce p)
