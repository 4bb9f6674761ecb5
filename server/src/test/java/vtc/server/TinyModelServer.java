package vtc.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import vtc.fixtures.Fixtures;
import vtc.api.Llava;

/** The tiny fixture model loaded once and served on a free loopback port, for one test class. */
final class TinyModelServer implements AutoCloseable {

    static final String MODEL_ID = "tiny-llava";
    static final Path IMAGE = Fixtures.model(Fixtures.TINY_LLAVA).resolve("golden/image1.png");

    final Llava llava;
    final ChatServer server;

    TinyModelServer(ServerSettings settings) throws IOException {
        this.llava = Llava.load(Fixtures.model(Fixtures.TINY_LLAVA), 1);
        this.server = ChatServer.start(llava, settings);
    }

    static ServerSettings settings() {
        return ServerSettings.defaults(MODEL_ID);
    }

    String baseUrl() {
        return server.baseUri().toString();
    }

    static String imageDataUrl() throws IOException {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
    }

    @Override
    public void close() {
        server.close();
        llava.close();
    }
}
