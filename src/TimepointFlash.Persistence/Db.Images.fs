namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open TimepointFlash

/// A stored image of a timepoint.
type StoredImage = {
    TimepointId: Guid
    Bytes: byte[]
    MimeType: string
    CreatedAt: DateTimeOffset
}

/// Image storage (one image per timepoint, deleted with it), built from one Database.
type ImageStore = {
    /// Stores or replaces the image of a timepoint; ConstraintViolation when the timepoint does not exist.
    Put: Guid -> byte[] -> string -> Task<Result<StoredImage, DbError>>
    TryGet: Guid -> Task<Result<StoredImage option, DbError>>
    /// Removes the image; false when there was none.
    Delete: Guid -> Task<Result<bool, DbError>>
}

/// SQL for timepoint_images.
[<RequireQualifiedAccess>]
module Images =
    let private put (db: Database) (id: Guid) (bytes: byte[]) (mime: string) = task {
        let image = {
            TimepointId = id
            Bytes = bytes
            MimeType = mime
            CreatedAt = db.Now()
        }

        let! n =
            Db.run db (fun s -> task {
                let! n =
                    Db.execute s """
                    INSERT INTO timepoint_images (timepoint_id, bytes, mime_type, created_at)
                    VALUES (@id, @bytes, @mime, @created_at)
                    ON CONFLICT (timepoint_id) DO UPDATE
                    SET bytes = excluded.bytes, mime_type = excluded.mime_type, created_at = excluded.created_at
                    """ [
                        "id", Sql.uuid id
                        "bytes", Sql.bytes bytes
                        "mime", Sql.text mime
                        "created_at", Sql.timestamp image.CreatedAt
                    ]

                // The wire names the image (has_image, image_url).
                let! _ = WireRows.markStaleIn s id
                return n
            })

        return n |> Result.map (fun _ -> image)
    }

    let private tryGet (db: Database) (id: Guid) =
        Db.run db (fun s ->
            Db.queryOption
                s
                "SELECT timepoint_id, bytes, mime_type, created_at FROM timepoint_images WHERE timepoint_id = @id"
                [ "id", Sql.uuid id ]
                (fun r -> {
                    TimepointId = r.uuid "timepoint_id"
                    Bytes = r.bytes "bytes"
                    MimeType = r.text "mime_type"
                    CreatedAt = r.timestamp "created_at"
                }))

    let private delete (db: Database) (id: Guid) =
        Db.run db (fun s -> task {
            let! n = Db.execute s "DELETE FROM timepoint_images WHERE timepoint_id = @id" [ "id", Sql.uuid id ]
            let! _ = WireRows.markStaleIn s id
            return n > 0
        })

    /// The image store over a database.
    let store (db: Database) : ImageStore = {
        Put = put db
        TryGet = tryGet db
        Delete = delete db
    }
