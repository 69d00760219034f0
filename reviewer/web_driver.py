"""The browser driver (`reviewer serve`): Textual's web driver, keys read with `KeyParser`."""

from __future__ import annotations

from codecs import getincrementaldecoder

from textual import log
from textual.drivers._byte_stream import ByteStream
from textual.drivers.web_driver import WebDriver, _ExitInput

from reviewer.key_parser import KeyParser, typing_in


class KeysWebDriver(WebDriver):
    """Textual's web driver; an escape with a key right behind it (xterm.js sends alt+j as
    escape then j, as a terminal does) is both keys outside text fields."""

    def run_input_thread(self) -> None:
        """``WebDriver.run_input_thread`` (Textual 8.2.8, pinned) with ``KeyParser``."""
        input_reader = self._input_reader
        parser = KeyParser(self._debug, lambda: typing_in(self._app))
        decode = getincrementaldecoder("utf-8")().decode
        # The server sends the equivalent of stdin, plus in-band data packets.
        byte_stream = ByteStream()
        try:
            for data in input_reader:
                if data:
                    for packet_type, payload in byte_stream.feed(data):
                        if packet_type == "D":
                            for event in parser.feed(decode(payload)):
                                self.process_message(event)
                        else:
                            self._on_meta(packet_type, payload)
                for event in parser.tick():
                    self.process_message(event)
        except _ExitInput:
            pass
        except Exception:
            from traceback import format_exc

            log(format_exc())
        finally:
            input_reader.close()
