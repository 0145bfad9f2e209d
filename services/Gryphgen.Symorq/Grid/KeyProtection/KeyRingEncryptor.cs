using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Gryphgen.Symorq.Grid.KeyProtection;

/// <summary>Data Protection's hook for sealing each new key of the ring before it is stored (<see cref="KeyRingCipher"/>).</summary>
public sealed class KeyRingEncryptor(KeyRingCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(cipher.Seal(plaintextElement), typeof(KeyRingDecryptor));
}
