using System.Runtime.Versioning;
using System.Security.Cryptography;
using Gryphgen.Contracts;

namespace Gryphgen.AppHost;

/// <summary>
/// Secrets generated once and kept in the state folder (mode 600): the database servers' passwords in both modes
/// (PostgreSQL's cluster, local or in its volume, is initialised with its password, so the password must live
/// exactly as long as the cluster does) and the API key file the CLI reads.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class StateSecrets
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string GetOrCreate(string stateDirectory, string name)
    {
        var file = Path.Combine(Folder(stateDirectory), name);
        if (File.Exists(file)) return File.ReadAllText(file).Trim();

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        Write(stateDirectory, name, secret);
        return secret;
    }

    /// <summary>Writes a secret into the secrets folder, readable by its owner only from the first byte; returns its path.</summary>
    public static string Write(string stateDirectory, string name, string secret)
    {
        var file = Path.Combine(Folder(stateDirectory), name);
        if (File.Exists(file)) File.SetUnixFileMode(file, OwnerOnly);
        using var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        stream.Write(System.Text.Encoding.UTF8.GetBytes(secret));
        return file;
    }

    private static string Folder(string stateDirectory)
    {
        var folder = Directory.CreateDirectory(StateFolder.Secrets(stateDirectory));
        File.SetUnixFileMode(folder.FullName, OwnerOnly | UnixFileMode.UserExecute);
        return folder.FullName;
    }

    /// <summary>A secret Aspire parameter (masked in the dashboard) holding <paramref name="value"/>.</summary>
    public static ParameterResource AsParameter(IDistributedApplicationBuilder builder, string name, string value)
    {
        var parameter = new ParameterResource(name, _ => value, secret: true);
        builder.AddResource(parameter);
        return parameter;
    }
}
