/**
 * TEST-ONLY TLS material for `KubeApiTestServer({ tls: true })`. NOT A SECRET and never to be
 * used for anything but local tests: the server's private key is published in this package on
 * purpose (the CA's key was thrown away after signing, so nothing else can be signed with it).
 *
 * A throwaway CA and a server certificate it signed for 127.0.0.1, ::1 and localhost (ECDSA
 * P-256, valid 2000-01-01 to 2125-12-31 so a wrong test-machine clock cannot break them).
 * Node has no API to mint X.509 certificates, so they were generated once with openssl 3.0:
 * `openssl ecparam -name prime256v1 -genkey`, then `openssl ca -selfsign` for the CA
 * (basicConstraints CA:TRUE, keyUsage keyCertSign) and `openssl ca` for the server certificate
 * (extendedKeyUsage serverAuth, subjectAltName IP:127.0.0.1,IP:::1,DNS:localhost), both with
 * `-startdate 20000101000000Z -enddate 21251231000000Z`.
 */

/** The test-only CA certificate (PEM). Clients trust it through `certificate-authority-data`. */
export const TEST_CA_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBjDCCATKgAwIBAgICEAAwCgYIKoZIzj0EAwIwLDEqMCgGA1UEAwwha3ViZS1h
cGktdGVzdC1zZXJ2ZXIgdGVzdC1vbmx5IENBMCAXDTAwMDEwMTAwMDAwMFoYDzIx
MjUxMjMxMDAwMDAwWjAsMSowKAYDVQQDDCFrdWJlLWFwaS10ZXN0LXNlcnZlciB0
ZXN0LW9ubHkgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASHTeKnnj+cSB7n
QMKv3xbveywovXq1JhUy/zSYtzUPdBMiUqObUOxnH+DPLcB8LVbJvbAg3GDOFDpZ
feCsJ/0+o0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNV
HQ4EFgQUgH6iVzanxEN4xV99vB7Z4hv8WDowCgYIKoZIzj0EAwIDSAAwRQIhANrx
7jGRQYnUHPfBU6RzuODSKqDHcJL+nInD1lVnQYbvAiAVu/SNz1qRZ//qhGQwLZ3D
tSXnMpl/xQzpVxVlee+w3Q==
-----END CERTIFICATE-----
`;

/** The test-only server certificate for 127.0.0.1 / ::1 / localhost (PEM), signed by the CA. */
export const TEST_SERVER_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB1DCCAXqgAwIBAgICEAEwCgYIKoZIzj0EAwIwLDEqMCgGA1UEAwwha3ViZS1h
cGktdGVzdC1zZXJ2ZXIgdGVzdC1vbmx5IENBMCAXDTAwMDEwMTAwMDAwMFoYDzIx
MjUxMjMxMDAwMDAwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAARMe/VMbRmind335h5u7eyMx3NL+fKT4F0V/jlmuV1dOewQ
Ax5Jvl6AjCY9b0vwddVWRle6K2DcOgBEwhcc37yBo4GhMIGeMAkGA1UdEwQCMAAw
DgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMCwGA1UdEQQlMCOH
BH8AAAGHEAAAAAAAAAAAAAAAAAAAAAGCCWxvY2FsaG9zdDAfBgNVHSMEGDAWgBSA
fqJXNqfEQ3jFX328HtniG/xYOjAdBgNVHQ4EFgQUnspWl1lRboEJtsf7f9k15RhQ
QtowCgYIKoZIzj0EAwIDSAAwRQIhAIVwtUfkQwYHQsG1LJCAtr50asuhHScrQLM6
yEjeMQirAiB4R1tks4HfOXmlaF+tbq28ZmpKmT8rmRbzWoemfPuneg==
-----END CERTIFICATE-----
`;

/** The server certificate's private key (PKCS#8 PEM). Test-only: deliberately public. */
export const TEST_SERVER_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgzgBdNMak1LCc3+/7
HsPz77ZFPDeUMbta5JcU7bVFprehRANCAARMe/VMbRmind335h5u7eyMx3NL+fKT
4F0V/jlmuV1dOewQAx5Jvl6AjCY9b0vwddVWRle6K2DcOgBEwhcc37yB
-----END PRIVATE KEY-----
`;
