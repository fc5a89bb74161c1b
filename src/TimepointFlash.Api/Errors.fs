namespace TimepointFlash.Api

open TimepointFlash

/// Maps application errors to HTTP problems in one place.
[<RequireQualifiedAccess>]
module Errors =
    /// The problem for an application error.
    let ofApp =
        function
        | AppError.NotFound what -> Http.notFound $"{what} not found"
        | AppError.NotCompleted(id, status) ->
            Http.badRequest
                $"Source timepoint must be completed before navigation (timepoint {id} is {TimepointStatus.name status})"
        | AppError.Temporal e -> Http.unprocessable $"Cannot reach the target date: {TemporalError.describe e}" []
        | AppError.NoDate id -> Http.unprocessable $"Timepoint {id} has no date to navigate from" []

    /// 404 for an unknown timepoint.
    let timepointNotFound = Http.notFound "Timepoint not found"
