using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Gryphgen.AppHost.Local;

/// <summary>
/// Passwords for the local servers, generated once and kept in the state folder (mode 600): PostgreSQL's cluster
/// is initialised with its password, so the password must live exactly as long as the cluster does.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class LocalSecrets
{
    public static string GetOrCreate(string stateDirectory, string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(stateDirectory, "secrets"));
        File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = Path.Combine(folder.FullName, name);
        if (File.Exists(file)) return File.ReadAllText(file).Trim();

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        File.WriteAllText(file, secret);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    /// <summary>A secret Aspire parameter (masked in the dashboard) holding <paramref name="value"/>.</summary>
    public static ParameterResource AsParameter(IDistributedApplicationBuilder builder, string name, string value)
    {
        var parameter = new ParameterResource(name, _ => value, secret: true);
        builder.AddResource(parameter);
        return parameter;
    }
}
