using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Gryphgen.Symorq.Grid.KeyProtection;

/// <summary>
/// Opens keys sealed by <see cref="KeyRingEncryptor"/>. Data Protection creates it by the type name stored with each
/// key, handing it the application's services, from which it takes the deployment's cipher.
/// </summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => services.GetRequiredService<KeyRingCipher>().Open(encryptedElement);
}
