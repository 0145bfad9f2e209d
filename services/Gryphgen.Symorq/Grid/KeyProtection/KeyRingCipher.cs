using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Gryphgen.Symorq.Grid.KeyProtection;

/// <summary>
/// Seals Data Protection's key ring with AES-GCM under a key derived from the deployment's
/// <c>Gryphgen:Llm:KeyEncryptionSecret</c>: the ring lives in PostgreSQL next to what it protects, so a dump of the
/// database alone must not open it. The tag makes a wrong secret or an altered row fail instead of decrypting to junk.
/// </summary>
public sealed class KeyRingCipher(string secret)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Purpose = "gryphgen symorq data protection key ring v1"u8.ToArray();

    public const string ElementName = "aesGcmSealed";

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: Purpose);

    public XElement Seal(XElement plaintext)
    {
        var clear = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + clear.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return new XElement(ElementName, Convert.ToBase64String(sealedBytes));
    }

    /// <summary>The sealed element opened; <see cref="CryptographicException"/> when the secret is not the one it was sealed with.</summary>
    public XElement Open(XElement sealedElement)
    {
        if (sealedElement.Name != ElementName) throw new CryptographicException($"expected a <{ElementName}> element");
        var sealedBytes = Convert.FromBase64String(sealedElement.Value);
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new CryptographicException("the sealed key is truncated");
        var clear = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), clear);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptographicException(
                "the key ring does not open with this Gryphgen:Llm:KeyEncryptionSecret (not the secret it was sealed with)", ex);
        }
        return XElement.Parse(Encoding.UTF8.GetString(clear));
    }
}
