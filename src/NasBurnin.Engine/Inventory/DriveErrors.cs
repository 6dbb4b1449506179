using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Inventory;

/// <summary>Errors about drives named by the user.</summary>
public static class DriveErrors
{
    /// <summary>A -Serial without wildcards that names no drive the command looked at.</summary>
    public static BurninException NotFound(string serial) =>
        new("DriveNotFound", ErrorKind.NotFound,
            $"No drive with serial '{serial}' was found. Get-BurninDrive lists the drives; use wildcards (*, ?) for a partial serial.") { Target = serial };
}
